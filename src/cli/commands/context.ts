// What every command receives from the dispatcher.
export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  json: boolean;
  libraryDir: string;
  /** Starts the web bridge for `renovo serve`; given by the binary's entry (index.ts). */
  startServer?: StartWebBridge;
}

/** What the CLI needs from the web bridge (src/server's startServer). The CLI does not import
 *  src/server: both are adapters over core/app, and the `renovo` binary's entry point
 *  (src/cli/index.ts, its composition root) hands the server's starter to main(). */
export type StartWebBridge = (options: { libraryDir: string; host: string; port: number; rendererDir: string }) => Promise<RunningWebBridge>;

export interface RunningWebBridge {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}
