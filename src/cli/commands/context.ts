// What every command receives from the dispatcher.
export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  json: boolean;
  libraryDir: string;
}
