/** Offsets to 1-based lines and columns for one text, for readers that know where a node starts. */

export interface LineColumn {
  line: number;
  column: number;
}

export class LineIndex {
  /** Offset of the first character of each line, found on the first question (many texts are never asked). */
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** The 1-based line and column of an offset. */
  at(offset: number): LineColumn {
    const starts = (this.starts ??= lineStarts(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  }

  /** The 1-based line of an offset. */
  line(offset: number): number {
    return this.at(offset).line;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
