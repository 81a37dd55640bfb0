import { createRouter, createWebHistory } from 'vue-router';
import type { Graph } from './graph.ts';

export function createConsoleRouter(graph: Graph) {
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      {
        path: '/login',
        name: 'login',
        component: () => import('./pages/LoginPage.vue'),
        meta: { public: true },
      },
      { path: '/', name: 'venues', component: () => import('./pages/VenueListPage.vue') },
      {
        path: '/venues/:id/:tab(overview|bookings|checkins|challenges|settings)?',
        name: 'venue',
        component: () => import('./pages/VenuePage.vue'),
        props: true,
      },
      { path: '/admin', name: 'admin', component: () => import('./pages/AdminPage.vue') },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
  });
  // Pages other than login need a session; the page asked for comes back after logging in.
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    if (await graph.session.accessToken().catch(() => null)) return true;
    return { name: 'login', query: { redirect: to.fullPath } };
  });
  return router;
}
