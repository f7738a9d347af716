import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substitute } from './substitute.ts';

const vars = {
  SHA: '0123456789abcdef',
  TAG: 'v1.2.3',
  BRANCH: 'feature/login-form',
  NAME: 'hello World',
  FILE: 'bash.string.txt',
  PATHNAME: 'path/to/file',
  Z: 'abcABC123ABCabc',
  EMPTY: '',
  DEF: 'fallback',
};
const cases: [string, string][] = [
  ['${SHA}', '0123456789abcdef'],
  ['tag-${SHA}-x', 'tag-0123456789abcdef-x'],
  ['$SHA stays for the shell', '$SHA stays for the shell'],
  ['$$', '$'],
  ['$${SHA}', '${SHA}'],
  ['cost: $$5 and $$HOME', 'cost: $5 and $HOME'],
  ['${UNSET}', ''],
  ['${UNSET=dflt}', 'dflt'],
  ['${UNSET:-dflt}', 'dflt'],
  ['${UNSET:=dflt}', 'dflt'],
  ['${EMPTY:-dflt}', 'dflt'],
  ['${SHA:-dflt}', '0123456789abcdef'],
  ['${UNSET=${DEF}-x}', 'fallback-x'],
  ['${SHA:0:8}', '01234567'],
  ['${SHA:4}', '456789abcdef'],
  ['${SHA:10:100}', 'abcdef'],
  ['${SHA:100}', ''],
  ['${SHA: -3}', '0123456789abcdef'],
  ['${BRANCH/\\//-}', 'feature-login-form'],
  ['${BRANCH//-/_}', 'feature/login_form'],
  ['${Z/abc/xyz}', 'xyzABC123ABCabc'],
  ['${Z//abc/xyz}', 'xyzABC123ABCxyz'],
  ['${Z/#abc/X}', 'XABC123ABCabc'],
  ['${Z/%abc/X}', 'abcABC123ABCX'],
  ['${Z/abc/}', 'ABC123ABCabc'],
  ['${TAG#v}', '1.2.3'],
  ['${TAG##v}', '1.2.3'],
  ['${FILE#*.}', 'string.txt'],
  ['${FILE##*.}', 'txt'],
  ['${PATHNAME##*/}', 'file'],
  ['${FILE%.*}', 'bash.string'],
  ['${FILE%%.*}', 'bash'],
  ['${NAME^}', 'Hello World'],
  ['${NAME^^}', 'HELLO WORLD'],
  ['${NAME,}', 'hello World'],
  ['${NAME,,}', 'hello world'],
  ['${#SHA}', '16'],
  ['${#UNSET}', '0'],
  ['${UNSET=${NAME^^}}', 'HELLO WORLD'],
];
const malformed = ['${', '${SHA', 'x ${SHA:0:8', '${}', '${#}', '${SHA@}', '${SHA/a}', '${ SHA }', '${SHA#}'];

describe('substitute', () => {
  for (const [input, output] of cases) {
    it(`${input} → ${JSON.stringify(output)}`, () => assert.equal(substitute(input, vars), output));
  }
  it('leaves malformed expressions as written', () => {
    for (const input of malformed) assert.equal(substitute(input, vars), input, input);
  });
  it('continues after a malformed expression', () => {
    assert.equal(substitute('${ ${SHA:0:2}', vars), '${ 01');
  });
  it('does not touch backslashes outside expressions', () => {
    assert.equal(substitute("sed 's/\\//-/' ${TAG}", vars), "sed 's/\\//-/' v1.2.3");
  });
  it('does not read inherited properties as variables', () => {
    assert.equal(substitute('${constructor}${toString}', vars), '');
  });
});
