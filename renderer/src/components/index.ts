// renderer/src/components: reusable Vue pieces (generated spec form, charts, badges, messages). Import vue, echarts, stores, lib.
export { default as EChart } from './EChart.vue';
export { default as LiveCharts } from './LiveCharts.vue';
export { default as NoticeList } from './NoticeList.vue';
export { default as RunPanel } from './RunPanel.vue';
export { default as SchemaField } from './SchemaField.vue';
export { default as SpecForm } from './SpecForm.vue';
export { default as StatusBadge } from './StatusBadge.vue';
export { useChartTheme } from './useChartTheme';
export { specFormKey } from './specFormContext';
export type { SpecFormContext } from './specFormContext';
