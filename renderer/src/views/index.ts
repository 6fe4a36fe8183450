// renderer/src/views: one component per hash route (#/design, #/runs, #/run/ID, #/compare). Import components, stores, lib.
export { default as CompareView } from './CompareView.vue';
export { default as DesignerView } from './DesignerView.vue';
export { default as LiveRunView } from './LiveRunView.vue';
export { default as RunsView } from './RunsView.vue';
