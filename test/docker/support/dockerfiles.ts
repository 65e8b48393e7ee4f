import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DockerfileParser, Env, JSONInstruction, ModifiableInstruction } from "dockerfile-ast";

export const DOCKER_DIR = join(__dirname, "..", "..", "..", "docker");

/** The image sources under docker/, by the directory that is their build context. */
export const IMAGES = {
  nginxBase: "nginx/base",
  nginx: "nginx",
  uwsgiBase: "uwsgi/base",
  app: "app",
  node: "node",
} as const;
export type ImageDir = (typeof IMAGES)[keyof typeof IMAGES];

export interface ParsedInstruction {
  readonly keyword: string;
  readonly args: string[];
  readonly flags: Record<string, string | null>;
  /** The exec-form array of CMD, ENTRYPOINT, VOLUME..., when the instruction uses one. */
  readonly json?: string[];
  /** ENV's name/value pairs. */
  readonly env?: [string, string][];
}

export interface Stage {
  readonly image: string;
  readonly name: string | null;
  readonly instructions: ParsedInstruction[];
}

export interface ParsedDockerfile {
  readonly path: string;
  /** ARGs before the first FROM. */
  readonly globalArgs: ParsedInstruction[];
  readonly stages: Stage[];
  /** The stage that becomes the image. */
  readonly final: Stage;
}

export function parseDockerfile(imageDir: ImageDir): ParsedDockerfile {
  const path = join(DOCKER_DIR, imageDir, "Dockerfile");
  const dockerfile = DockerfileParser.parse(readFileSync(path, "utf8"));
  const globalArgs: ParsedInstruction[] = [];
  const stages: { image: string; name: string | null; instructions: ParsedInstruction[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const parsed: ParsedInstruction = {
      keyword,
      args: instruction.getArguments().map((a) => a.getValue()),
      flags: Object.fromEntries(
        instruction instanceof ModifiableInstruction
          ? instruction.getFlags().map((f) => [f.getName(), f.getValue()])
          : [],
      ),
      ...(instruction instanceof JSONInstruction && instruction.getJSONStrings().length > 0
        ? { json: instruction.getJSONStrings().map((s) => s.getJSONValue()) }
        : {}),
      ...(instruction instanceof Env
        ? { env: instruction.getProperties().map((p): [string, string] => [p.getName(), p.getValue() ?? ""]) }
        : {}),
    };
    if (keyword === "FROM") {
      const [image, as, name] = parsed.args;
      stages.push({ image, name: as?.toUpperCase() === "AS" ? name : null, instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(parsed);
    } else {
      stages[stages.length - 1].instructions.push(parsed);
    }
  }
  return { path, globalArgs, stages, final: stages[stages.length - 1] };
}

/** The exec-form command of a HEALTHCHECK instruction: `HEALTHCHECK [options] CMD ["a", "b"]`. */
export function healthcheckCommand(instruction: ParsedInstruction): string[] {
  const cmd = instruction.args.indexOf("CMD");
  return JSON.parse(instruction.args.slice(cmd + 1).join(" ")) as string[];
}

export function instructionsOf(stage: Stage, keyword: string): ParsedInstruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** COPY sources (relative to the build context) and destination of one instruction. */
export function copySourcesAndDestination(copy: ParsedInstruction): {
  sources: string[];
  destination: string;
} {
  return { sources: copy.args.slice(0, -1), destination: copy.args[copy.args.length - 1] };
}
