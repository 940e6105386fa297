// A command typed into the "New session" form, split into words the way a shell splits a
// simple command: spaces separate words, quotes and backslashes keep them together. Nothing is
// expanded ($VAR, ~, globs): what the user sees is what runs.

export class CommandLineError extends Error {
  constructor(
    message: string,
    /** 0-based index in the text. */
    readonly at: number,
  ) {
    super(message);
  }
}

export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError("unterminated ' quote", i);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let quoted = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) j++;
        quoted += text[j];
      }
      if (j >= text.length) throw new CommandLineError('unterminated " quote', i);
      word = (word ?? '') + quoted;
      i = j + 1;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
