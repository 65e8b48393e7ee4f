import { type CostItem, line, type PricingInput } from "./item";
import { minutesPerRun } from "./log-volumes";
import { GLOBAL_PRICES } from "./prices";

/** Minutes the source action takes per run (a CodeConnections checkout). */
const SOURCE_MINUTES_PER_RUN = 1;

/**
 * CodePipeline V2 bills action execution minutes (a manual approval is free); V1 a flat fee per pipeline.
 * CodeBuild bills build minutes by compute type.
 */
export function deliveryItems({ stack, usage, prices }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  const runs = usage.pipelineRunsPerMonth;
  for (const pipeline of stack.all("aws_codepipeline")) {
    if (pipeline.body.pipeline_type !== "V2") {
      items.push(
        line(
          "CodePipeline",
          `V1 pipeline ${pipeline.body.name}`,
          1,
          "pipeline-mo",
          GLOBAL_PRICES.codePipelineV1Month,
          [pipeline.address],
        ),
      );
      continue;
    }
    const stages: { name: string; action: { provider: string }[] }[] = pipeline.body.stage ?? [];
    const perRun = stages.reduce((sum, stage) => {
      const timed = stage.action.filter((a) => a.provider !== "Manual").length;
      const minutes =
        stage.name === "Source"
          ? SOURCE_MINUTES_PER_RUN
          : stage.name === "Deploy"
            ? usage.deployMinutesPerRun
            : usage.buildMinutesPerRun;
      return sum + timed * minutes;
    }, 0);
    items.push(
      line(
        "CodePipeline",
        `V2 action minutes (${runs} runs × ${perRun} min)`,
        runs * perRun,
        "min",
        GLOBAL_PRICES.codePipelineV2ActionMinute,
        [pipeline.address],
      ),
    );
  }
  for (const project of stack.all("aws_codebuild_project")) {
    const compute = String(project.body.environment?.compute_type);
    const price = prices.codeBuildMinute[compute];
    if (price === undefined)
      throw new Error(`scripts/cost/prices.ts: codeBuildMinute: expected a price for ${compute}, got none`);
    const minutes = runs * minutesPerRun(stack, project, usage);
    items.push(
      line("CodeBuild", `${project.body.name} (${compute})`, minutes, "min", price, [project.address]),
    );
  }
  return items;
}
