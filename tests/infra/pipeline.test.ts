import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  createValidator,
  type PipelineValidator,
  SCHEMA_RELATIVE_PATH,
  validatePipeline,
} from '../../scripts/validatePipeline.js';
import { functionTable } from '../../src/functionTable.js';
import vitestConfig from '../../vitest.config.js';
import { repoRoot } from './infraFiles.js';

const schemaPath = path.resolve(repoRoot, SCHEMA_RELATIVE_PATH);

// shared/ sits beside the repository here and in this project's CI; an Azure DevOps agent has no
// shared/, so there the schema checks are skipped and the structural checks below still run.
describe.skipIf(!existsSync(schemaPath))('validatePipeline against the official schema', () => {
  let validator: PipelineValidator;
  beforeAll(() => {
    validator = createValidator(schemaPath);
  });
  const check = (yaml: string, isRoot = false) =>
    validator.validateText(yaml, 'inline.yml', isRoot).errors;

  it('accepts azure-pipelines.yml and every template', () => {
    const results = validatePipeline({ root: repoRoot, schemaPath });
    expect(results.map((r) => r.file)).toEqual(
      expect.arrayContaining([
        'azure-pipelines.yml',
        path.join('azure-pipelines', 'templates', 'build.yml'),
        path.join('azure-pipelines', 'templates', 'deploy.yml'),
        path.join('azure-pipelines', 'templates', 'steps', 'smoke-test.yml'),
      ]),
    );
    for (const r of results) expect(r.errors, r.file).toEqual([]);
    expect(Object.fromEntries(results.map((r) => [r.file, r.kind]))).toMatchObject({
      'azure-pipelines.yml': 'pipeline',
      [path.join('azure-pipelines', 'templates', 'build.yml')]: 'jobs',
      [path.join('azure-pipelines', 'templates', 'deploy.yml')]: 'stages',
      [path.join('azure-pipelines', 'templates', 'steps', 'smoke-test.yml')]: 'steps',
    });
  });

  it('rejects a misspelt task input, an unknown task and a misplaced key', () => {
    const typo = `steps:
  - task: AzureCLI@2
    inputs:
      azureSubscription: sc
      scriptType: bash
      inlineScrpt: echo hi
`;
    expect(check(typo).join('\n')).toMatch(/inlineScrpt/);
    expect(check('steps:\n  - task: AzureCLII@2\n    inputs: {}\n')).not.toEqual([]);
    expect(
      check('stages:\n  - stage: A\n    jobs:\n      - job: B\n        stepz: []\n'),
    ).not.toEqual([]);
    expect(check('trigger:\n  branches:\n    inclde: [main]\n', true)).not.toEqual([]);
  });

  it('rejects text that is not YAML, and a file that is not a template', () => {
    expect(check('steps:\n  - script: [unclosed\n')[0]).toMatch(/^YAML:/);
    expect(check('name: only a name\n')[0]).toMatch(/Not a template/);
  });

  it('renames inputs given by an alias before validating', () => {
    const viaAlias = `steps:
  - task: AzureFunctionApp@2
    inputs:
      azureSubscription: sc
      appType: functionAppLinux
      appName: app
      isFlexConsumption: true
`;
    expect(check(viaAlias)).toEqual([]);
    // the same input twice, once by its alias, is an error rather than a silent overwrite
    expect(
      check(
        viaAlias.replace('      appType', '      connectedServiceNameARM: sc\n      appType'),
      )[0],
    ).toMatch(/twice/);
    // a wrong type for a typed input still fails after renaming
    expect(
      check(viaAlias.replace('isFlexConsumption: true', 'isFlexConsumption: sometimes')),
    ).not.toEqual([]);
  });

  it('accepts a task the schema names without describing its inputs', () => {
    expect(validator.tasksWithoutInputs).toContain('PublishCodeCoverageResults@2');
    expect(
      check(
        'steps:\n  - task: PublishCodeCoverageResults@2\n    inputs:\n      summaryFileLocation: x\n',
      ),
    ).toEqual([]);
  });
});

type Step = {
  task?: string;
  script?: string;
  inputs?: Record<string, unknown>;
  env?: Record<string, string>;
};
const readYaml = (rel: string) =>
  parse(readFileSync(path.join(repoRoot, rel), 'utf8')) as Record<string, unknown>;
const root = readYaml('azure-pipelines.yml');
const build = readYaml('azure-pipelines/templates/build.yml');
const deploy = readYaml('azure-pipelines/templates/deploy.yml');
const smoke = readYaml('azure-pipelines/templates/steps/smoke-test.yml');
const buildSteps = (build.jobs as { steps: Step[] }[])[0]!.steps;
const deployStages = deploy.stages as {
  stage: string;
  jobs: {
    deployment?: string;
    environment?: string;
    steps?: Step[];
    strategy?: { runOnce: { deploy: { steps: Step[] } } };
  }[];
}[];
const deploySteps = deployStages[1]!.jobs[0]!.strategy!.runOnce.deploy.steps;
const parameter = (doc: Record<string, unknown>, name: string) =>
  (doc.parameters as { name: string; default?: unknown }[]).find((p) => p.name === name);

describe('the pipeline does what docs/deploy.md says', () => {
  it('builds on Node 22, tests with JUnit and Cobertura results, and publishes the package', () => {
    const tasks = (steps: Step[]) => steps.map((s) => s.task).filter(Boolean);
    const setup = readYaml('azure-pipelines/templates/steps/setup-node.yml');
    expect((setup.steps as Step[]).find((s) => s.task === 'NodeTool@0')!.inputs!.versionSpec).toBe(
      '${{ parameters.nodeVersion }}',
    );
    expect(parameter(setup, 'nodeVersion')!.default).toBe('22.x');
    expect(tasks(buildSteps)).toEqual(
      expect.arrayContaining([
        'PublishTestResults@2',
        'PublishCodeCoverageResults@2',
        'PublishPipelineArtifact@1',
      ]),
    );
    const test = buildSteps.find((s) => s.script?.includes('vitest run'))!;
    expect(test.env?.CI).toBe('true');
    const junit = (vitestConfig as { test: { outputFile: { junit: string } } }).test.outputFile
      .junit;
    expect(buildSteps.find((s) => s.task === 'PublishTestResults@2')!.inputs).toMatchObject({
      testResultsFormat: 'JUnit',
      testResultsFiles: junit,
    });
    const coverageDir = /--coverage\.reportsDirectory=(\S+)/.exec(test.script!)![1];
    expect(test.script).toMatch(/--coverage\.reporter=cobertura/);
    expect(
      buildSteps.find((s) => s.task === 'PublishCodeCoverageResults@2')!.inputs!
        .summaryFileLocation,
    ).toBe(`${coverageDir}/cobertura-coverage.xml`);
    const scripts = buildSteps.map((s) => s.script ?? '');
    for (const run of ['npm run typecheck', 'npm run lint', 'npm run build', 'npm run package']) {
      expect(scripts, run).toContain(run);
    }
    const artifact = buildSteps.find(
      (s) => s.task === 'PublishPipelineArtifact@1' && s.inputs!.artifact === 'app',
    );
    expect(artifact!.inputs!.targetPath).toBe('dist/package/app.zip');
  });

  it('deploys dev from main, then prod after dev, through environments', () => {
    expect(root.trigger).toMatchObject({ branches: { include: ['main'] } });
    const uses = (
      root.stages as { template?: string; parameters?: Record<string, string> }[]
    ).filter((s) => s.template);
    expect(uses.map((s) => [s.parameters!.environment, s.parameters!.dependsOn])).toEqual([
      ['dev', 'Build'],
      ['prod', 'Deploy_dev'],
    ]);
    for (const s of uses)
      expect(s.parameters!.serviceConnection).toMatch(
        /^\$\{\{ variables\.\w+ServiceConnection \}\}$/,
      );
    expect(deployStages.map((s) => s.stage)).toEqual([
      'Infra_${{ parameters.environment }}',
      'Deploy_${{ parameters.environment }}',
    ]);
    expect(deployStages[1]!.jobs[0]).toMatchObject({
      deployment: 'Deploy',
      environment: 'event-scoring-${{ parameters.environment }}',
    });
  });

  it('builds, what-ifs and creates with AzureCLI@2 on the service connection', () => {
    const whatIf = deployStages[0]!.jobs[0]!.steps!.find((s) => s.task === 'AzureCLI@2')!;
    const script = String(whatIf.inputs!.inlineScript);
    expect(script).toMatch(/az bicep build --file main\.bicep/);
    expect(script).toMatch(/az deployment group what-if/);
    const create = deploySteps.find((s) =>
      String(s.inputs?.inlineScript).includes('az deployment group create'),
    )!;
    for (const step of [whatIf, create]) {
      expect(step.task).toBe('AzureCLI@2');
      expect(step.inputs!.azureSubscription).toBe('${{ parameters.serviceConnection }}');
    }
    for (const env of ['dev', 'prod']) {
      expect(existsSync(path.join(repoRoot, 'infra', `main.${env}.bicepparam`)), env).toBe(true);
    }
  });

  it('deploys to Flex Consumption, then smoke-tests health and the loaded functions', () => {
    const deployTask = deploySteps.find((s) => s.task === 'AzureFunctionApp@2')!;
    expect(deployTask.inputs).toMatchObject({
      isFlexConsumption: true,
      appType: 'functionAppLinux',
    });
    expect(deployTask.inputs!.package).toBe('$(Pipeline.Workspace)/app/app.zip');
    expect(deploySteps.indexOf(deployTask)).toBeLessThan(
      deploySteps.findIndex(
        (s) => (s as { template?: string }).template === 'steps/smoke-test.yml',
      ),
    );
    const script = String((smoke.steps as Step[])[0]!.inputs!.inlineScript);
    const health = functionTable.find((f) => f.name === 'health')!;
    expect(health.trigger).toMatchObject({ route: 'api/health', authLevel: 'anonymous' });
    expect(script).toContain('/api/health');
    expect(script).toContain('az functionapp function list');
  });

  it('expects exactly the functions the app registers', () => {
    expect(parameter(deploy, 'expectedFunctions')!.default).toEqual(
      functionTable.map((f) => f.name),
    );
  });
});
