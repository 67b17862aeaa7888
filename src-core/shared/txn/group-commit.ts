/**
 * Group commit: callers that would commit after every write (the kernel's commit_exception with
 * its callback) ask for a commit instead; one commit point then covers up to `size` requests, and
 * each request's callback runs once that commit is durable. A crash loses at most the requests
 * of the group not yet committed, all of them or none (the commit point is one header sector).
 */
export class GroupCommit {
  private waiting: (() => void)[] = [];
  private requests = 0;

  constructor(private readonly commit: () => void) {}

  /** Records a request; commits when `size` requests (1 = every request) have gathered. */
  request(size: number, onDurable?: () => void): void {
    if (onDurable) this.waiting.push(onDurable);
    if (++this.requests >= size) this.commitNow();
  }

  /** Commits whatever is pending and tells every waiting request. */
  commitNow(): void {
    this.commit();
    this.durable();
  }

  /** A commit made outside this object (commit, close) covered every request so far. */
  durable(): void {
    this.requests = 0;
    if (this.waiting.length === 0) return;
    const done = this.waiting;
    this.waiting = [];
    for (const cb of done) cb();
  }
}
