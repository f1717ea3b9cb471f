/** What a node carries to sit in a `WaitingList`: its neighbours, set only by the list. */
export interface Linked<Node> {
  previous: Node | undefined;
  next: Node | undefined;
}

/**
 * A first-in first-out list threaded through its own nodes: adding, taking the oldest and
 * removing any node are O(1) and allocate nothing. A node is in at most one list at a time.
 */
export class WaitingList<Node extends Linked<Node>> {
  private head: Node | undefined = undefined;
  private tail: Node | undefined = undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(node: Node): void {
    node.previous = this.tail;
    node.next = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.count += 1;
  }

  /** Takes the oldest node out, or returns undefined when the list is empty. */
  shift(): Node | undefined {
    const node = this.head;
    if (node !== undefined) this.unlink(node);
    return node;
  }

  has(node: Node): boolean {
    return node.previous !== undefined || this.head === node;
  }

  /** Takes `node` out wherever it is; false when it is not in this list. */
  remove(node: Node): boolean {
    if (!this.has(node)) return false;
    this.unlink(node);
    return true;
  }

  private unlink(node: Node): void {
    if (node.previous === undefined) this.head = node.next;
    else node.previous.next = node.next;
    if (node.next === undefined) this.tail = node.previous;
    else node.next.previous = node.previous;
    node.previous = undefined;
    node.next = undefined;
    this.count -= 1;
  }
}
