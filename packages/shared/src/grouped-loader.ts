// A per-request DataLoader for list fields that take arguments (a page size, a time range): the
// keys of one tick are grouped by their arguments and each group is loaded with ONE call over all
// its ids, so a list of N parents costs one query per distinct argument set instead of N.
import DataLoader from 'dataloader';

export interface GroupedKey<I, A> {
  id: I;
  args: A;
}

export function groupedLoader<I, A, V>(
  /** The values of `ids` (in their order) for one argument set. */
  load: (ids: I[], args: A) => Promise<V[]>,
  argsKey: (args: A) => string,
): DataLoader<GroupedKey<I, A>, V, string> {
  return new DataLoader<GroupedKey<I, A>, V, string>(
    async (keys) => {
      const groups = new Map<string, { args: A; ids: I[] }>();
      for (const { id, args } of keys) {
        const key = argsKey(args);
        const group = groups.get(key) ?? { args, ids: [] };
        group.ids.push(id);
        groups.set(key, group);
      }
      const loaded = new Map(
        await Promise.all(
          [...groups].map(async ([key, g]) => {
            const values = await load(g.ids, g.args);
            return [key, new Map(g.ids.map((id, i) => [String(id), values[i]!]))] as const;
          }),
        ),
      );
      return keys.map(({ id, args }) => loaded.get(argsKey(args))!.get(String(id))!);
    },
    { cacheKeyFn: ({ id, args }) => `${String(id)}|${argsKey(args)}` },
  );
}
