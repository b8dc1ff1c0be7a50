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
});
