import { inject, type InjectionKey } from 'vue';
import type { Graph } from './graph.ts';

export const GRAPH: InjectionKey<Graph> = Symbol('graph');

export function useGraph(): Graph {
  const graph = inject(GRAPH);
  if (!graph) throw new Error('the graph is not provided');
  return graph;
}
