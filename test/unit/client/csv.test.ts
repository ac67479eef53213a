import { parseCsv } from '../../../src/client/csv.js';

test('reads plain rows with the line each starts on', () => {
  const { records, problems } = parseCsv('a,b\n1,2\n3,4\n');
  expect(problems).toEqual([]);
  expect(records).toEqual([
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['1', '2'] },
    { line: 3, cells: ['3', '4'] },
  ]);
});

test('quoted cells keep commas, doubled quotes and line breaks; later lines keep their true numbers', () => {
  const { records } = parseCsv('a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,row');
  expect(records[1]).toEqual({ line: 2, cells: ['x, y', 'say "hi"'] });
  expect(records[2]).toEqual({ line: 3, cells: ['two\nlines', 'z'] });
  expect(records[3]).toEqual({ line: 5, cells: ['last', 'row'] });
});

test('CRLF line ends, a byte-order mark and blank lines', () => {
  const { records } = parseCsv('\ufeffa,b\r\n1,2\r\n\r\n3,4');
  expect(records.map((record) => [record.line, record.cells])).toEqual([
    [1, ['a', 'b']],
    [2, ['1', '2']],
    [4, ['3', '4']],
  ]);
});

test('empty cells are kept, so a row of separators is still a row', () => {
  expect(parseCsv('a,b,c\n,,\n').records[1]).toEqual({ line: 2, cells: ['', '', ''] });
});

test('an unclosed quote is reported at the line where it opened', () => {
  expect(parseCsv('a,b\n1,2\n"open,3\n4,5\n').problems).toEqual([{ line: 3, reason: 'a quoted cell is never closed' }]);
});
