/** A binary min-heap on (time, seq), so events at the same time run in the order they were scheduled. */
export class EventQueue<T extends { time: number }> {
  private readonly heap: (T & { seq: number })[] = [];
  private seq = 0;
  get size() {
    return this.heap.length;
  }
  push(e: T) {
    const h = this.heap;
    h.push({ ...e, seq: this.seq++ });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): T & { seq: number } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
  private less(a: { time: number; seq: number }, b: { time: number; seq: number }) {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }
}
