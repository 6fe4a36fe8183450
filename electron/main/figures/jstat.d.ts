// The part of jstat (https://github.com/jstat/jstat, CommonJS without bundled types) that LR Lab uses.
declare module 'jstat' {
  interface JStat {
    studentt: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
  }
  const jstat: { jStat: JStat };
  export default jstat;
}
