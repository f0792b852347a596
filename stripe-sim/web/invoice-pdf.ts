/**
 * A one-page PDF (PDF 1.4, built-in Helvetica, no dependencies) with lines of text: enough for a
 * PDF reader to open an invoice and for tests to check what it says.
 */
export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
  /** Extra space above this line, in points. */
  gap?: number;
  /** Right-aligned amount on the same line. */
  right?: string;
}

const PAGE_WIDTH = 595; // A4 in points
const PAGE_HEIGHT = 842;
const MARGIN = 56;

/** PDF strings: ASCII only (the built-in fonts' WinAnsi subset), with \ ( ) escaped. */
function pdfString(text: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, (ch) => (ch === "\u00d7" ? "x" : ""));
  return `(${ascii.replace(/\\/g, "\\\\").replace(/\(/g, "\\(").replace(/\)/g, "\\)")})`;
}

/** Helvetica's average glyph width is about half the font size; good enough to right-align digits. */
function approximateWidth(text: string, size: number): number {
  return text.length * size * 0.52;
}

export function renderPdf(title: string, lines: PdfLine[]): Buffer {
  let y = PAGE_HEIGHT - MARGIN;
  const ops: string[] = [];
  for (const line of lines) {
    const size = line.size ?? 11;
    y -= size + 6 + (line.gap ?? 0);
    const font = line.bold ? "/F2" : "/F1";
    ops.push(`BT ${font} ${size} Tf ${MARGIN} ${y} Td ${pdfString(line.text)} Tj ET`);
    if (line.right !== undefined) {
      const x = PAGE_WIDTH - MARGIN - approximateWidth(line.right, size);
      ops.push(`BT ${font} ${size} Tf ${x.toFixed(1)} ${y} Td ${pdfString(line.right)} Tj ET`);
    }
  }
  const content = ops.join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
    `<< /Title ${pdfString(title)} /Producer (stripe-sim) >>`,
  ];
  let body = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
