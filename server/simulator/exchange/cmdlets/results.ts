import type { CmdletContext } from '../types.js';

/** -ResultSize: 1000 by default (with Exchange's warning when there are more), a number, or Unlimited. */
export function limitResults<T>(ctx: CmdletContext, list: readonly T[]): readonly T[] {
  const size = ctx.params.ResultSize;
  if (size === 'Unlimited') return list;
  const limit = typeof size === 'number' ? size : 1000;
  if (list.length > limit && size === undefined) {
    ctx.warnings.push(
      'By default only the first 1000 items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items specify "-ResultSize Unlimited".',
    );
  }
  return list.slice(0, limit);
}
