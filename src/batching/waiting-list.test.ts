import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WaitingList, type Linked } from './waiting-list.js';

class Node implements Linked<Node> {
  previous: Node | undefined = undefined;
  next: Node | undefined = undefined;

  constructor(readonly name: string) {}
}

function drain(list: WaitingList<Node>): string[] {
  const names = [];
  for (let node = list.shift(); node !== undefined; node = list.shift()) names.push(node.name);
  return names;
}

it('gives nodes back first in, first out', () => {
  const list = new WaitingList<Node>();
  for (const name of ['a', 'b', 'c']) list.push(new Node(name));
  assert.equal(list.size, 3);
  assert.deepEqual(drain(list), ['a', 'b', 'c']);
  assert.equal(list.shift(), undefined);
});

it('removes nodes from the front, the middle and the back', () => {
  const list = new WaitingList<Node>();
  const nodes = ['a', 'b', 'c', 'd', 'e'].map((name) => new Node(name));
  for (const node of nodes) list.push(node);
  const [a, , c, , e] = nodes as [Node, Node, Node, Node, Node];
  assert.ok(list.remove(c));
  assert.ok(list.remove(a));
  assert.ok(list.remove(e));
  assert.equal(list.size, 2);
  list.push(new Node('f'));
  assert.deepEqual(drain(list), ['b', 'd', 'f']);
});

it('refuses to remove a node that is not in the list', () => {
  const list = new WaitingList<Node>();
  const node = new Node('a');
  list.push(node);
  assert.ok(list.remove(node));
  assert.equal(list.remove(node), false);
  assert.equal(list.remove(new Node('b')), false);
  assert.equal(list.size, 0);
});
