import { openStore } from '../../storage';
export const x = openStore;
