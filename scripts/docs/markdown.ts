/** Marks a generated file, naming where to edit instead. */
export function generatedNotice (source: string): string {
  return `Generated from ${source} by \`npm run docs\`: edit that, not this file (a test fails when they differ).`
}

/** Markdown of a table cell: pipes escaped, so text from the tables never breaks a row. */
export function cell (text: string): string {
  return text.replace(/\|/g, '\\|')
}

/** Plain text for a comment: links become "text (target)", code marks go. */
export function plain (markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 (docs/$2)').replace(/`/g, '')
}

/** Words wrapped to `width` columns, each line starting with `prefix`. */
export function wrap (text: string, width: number, prefix: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(prefix + line)
  return lines
}
