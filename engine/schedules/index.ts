// engine/schedules: learning-rate and noise schedules as pure functions. Imports nothing.
export {
  INITIAL_SCHEDULE_STATE,
  isLrAnnealEpoch,
  isNoiseAnnealEpoch,
  learningRateAt,
  noiseStdAt,
  updateScheduleState,
} from './schedules';
export type { LrSchedule, NoiseSchedule, ScheduleState, SchedulePosition } from './schedules';
export { annealCurve, annealPhase } from './anneal';
export type { AnnealPhase, AnnealSchedule } from './anneal';
