import { describe, expect, it } from 'vitest';
import { parsePgArrayText } from '../../../src/mapping/pg-array-text.ts';

describe('parsePgArrayText', () => {
  it.each([
    ['{}', []],
    ['{a,b}', ['a', 'b']],
    ['{a,"c d","say \\"hi\\"","x,y",NULL,"NULL"}', ['a', 'c d', 'say "hi"', 'x,y', null, 'NULL']],
    ['{"back\\\\slash"}', ['back\\slash']],
    ['{DirectShip,InStorePickup}', ['DirectShip', 'InStorePickup']],
    ['{"línea\nnueva",ünï}', ['línea\nnueva', 'ünï']],
  ])('%s', (input, expected) => {
    expect(parsePgArrayText(input)).toEqual(expected);
  });

  it.each(['a,b', '{{a},{b}}', '{"open}', '{"a"b}'])('rejects %j', (input) => {
    expect(parsePgArrayText(input)).toBeInstanceOf(Error);
  });
});
