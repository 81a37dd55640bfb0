import { computed, ref, watch, type Ref } from 'vue';
import { useSubscription } from '@urql/vue';
import { ConsoleOccupancyDocument } from '@sport-venue/graph-client/console';

/**
 * The venue's headcount, live: the value the page loaded with until `occupancyChanged` (over the
 * app's one graphql-ws socket) reports a newer one.
 */
export function useLiveCount(venueId: Ref<string>, initial: Ref<number | undefined>) {
  const sub = useSubscription({
    query: ConsoleOccupancyDocument,
    variables: computed(() => ({ venueId: venueId.value })),
  });
  const count = ref<number | undefined>(initial.value);
  const level = ref<string | null | undefined>(undefined);
  const at = ref<string | null>(null);
  watch(initial, (value) => {
    if (at.value === null) count.value = value;
  });
  watch(
    () => sub.data.value?.occupancyChanged,
    (update) => {
      if (!update || update.venueId !== venueId.value) return;
      count.value = update.currentCount;
      level.value = update.occupancyLevel;
      at.value = update.at;
    },
  );
  return { count, level, at };
}
