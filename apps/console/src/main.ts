import { createApp } from 'vue';
import urql from '@urql/vue';
import App from './App.vue';
import { createGraph } from './graph.ts';
import { i18n } from './i18n.ts';
import { loadRuntimeConfig } from './runtime-config.ts';
import { createConsoleRouter } from './router.ts';
import { GRAPH } from './keys.ts';
import './style.css';

const config = await loadRuntimeConfig();
// eslint-disable-next-line prefer-const
let router: ReturnType<typeof createConsoleRouter>;
const graph = createGraph(config.graphUrl, () => {
  const current = router.currentRoute.value;
  if (current.name !== 'login')
    void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
});
router = createConsoleRouter(graph);

createApp(App).provide(GRAPH, graph).use(urql, graph.client).use(i18n).use(router).mount('#app');
