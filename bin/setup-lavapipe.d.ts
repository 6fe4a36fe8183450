export function lavapipeDir(env?: Record<string, string | undefined>): string;
export function driverPath(dir: string, arch?: string): string | null;
