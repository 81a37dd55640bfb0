import { computed, onScopeDispose, reactive, ref, watch, type Ref } from 'vue';
import { useQuery } from '@urql/vue';
import { ConsoleMeDocument } from '@sport-venue/graph-client/console';
import { useGraph } from './keys.ts';

/**
 * The logged-in operator: asked only while a session exists (roles are @authenticated, the router
 * refuses the whole query anonymously), again after each login.
 */
export function useViewer(routeName: Ref<unknown>) {
  const graph = useGraph();
  const signedIn = ref(false);
  void graph.session.current().then((tokens) => (signedIn.value = tokens !== null));
  onScopeDispose(graph.session.subscribe((tokens) => (signedIn.value = tokens !== null)));
  const me = useQuery({
    query: ConsoleMeDocument,
    requestPolicy: 'network-only',
    pause: computed(() => !signedIn.value || !routeName.value || routeName.value === 'login'),
  });
  const state = reactive({ nickname: '', isAdmin: false, id: '' });
  watch(
    () => (signedIn.value ? me.data.value?.me : null),
    (user) => {
      state.nickname = user?.nickname ?? '';
      state.id = user?.id ?? '';
      state.isAdmin = user?.roles?.includes('ADMIN') ?? false;
    },
    { immediate: true },
  );
  return state;
}
