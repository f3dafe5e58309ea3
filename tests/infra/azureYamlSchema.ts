/**
 * The part of azd's azure.yaml schema that this project's azure.yaml uses, written from the
 * published schema (https://raw.githubusercontent.com/Azure/azure-dev/main/schemas/v1.0/azure.yaml.json,
 * read 2026-12-04): no npm package ships it, and the tests run offline. Field names, types, enums,
 * `required` and the conditional rules are as published; hosts and languages are the schema's
 * documented examples, kept as enums here so a typo fails. Unused parts (docker, k8s, resources,
 * pipeline, state, platform, workflows) are left out, and additional properties are refused where
 * the published schema refuses them (hooks) and accepted where it accepts them.
 */
const hook = {
  type: 'object',
  additionalProperties: false,
  properties: {
    shell: { type: 'string', enum: ['sh', 'pwsh'] },
    kind: { type: 'string', enum: ['sh', 'pwsh', 'js', 'ts', 'python', 'dotnet'] },
    dir: { type: 'string' },
    run: { type: 'string' },
    continueOnError: { type: 'boolean' },
    interactive: { type: 'boolean' },
    windows: { $ref: '#/definitions/hook' },
    posix: { $ref: '#/definitions/hook' },
    secrets: { type: 'object', additionalProperties: { type: 'string' } },
    config: { type: 'object' },
  },
  allOf: [
    {
      if: { allOf: [{ required: ['windows'] }, { required: ['posix'] }] },
      then: {
        properties: {
          run: false,
          shell: false,
          kind: false,
          dir: false,
          interactive: false,
          continueOnError: false,
          secrets: false,
          config: false,
        },
      },
    },
    {
      if: {
        anyOf: ['interactive', 'continueOnError', 'secrets', 'shell', 'kind', 'dir', 'config'].map(
          (name) => ({ required: [name] }),
        ),
      },
      then: { required: ['run'] },
    },
  ],
} as const;

const hooks = {
  anyOf: [{ $ref: '#/definitions/hook' }, { type: 'array', items: { $ref: '#/definitions/hook' } }],
};

const hookSet = (names: readonly string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    names.flatMap((n) => [
      [`pre${n}`, hooks],
      [`post${n}`, hooks],
    ]),
  ),
});

export const azureYamlSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['name'],
  additionalProperties: true,
  properties: {
    name: { type: 'string', minLength: 2, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    resourceGroup: { type: 'string', minLength: 3, maxLength: 64 },
    metadata: { type: 'object', properties: { template: { type: 'string' } } },
    infra: {
      type: 'object',
      additionalProperties: true,
      properties: {
        provider: { type: 'string', pattern: '^[a-z0-9.]+$' },
        path: { type: 'string' },
        module: { type: 'string' },
      },
    },
    services: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        additionalProperties: true,
        required: ['host'],
        properties: {
          resourceGroup: { type: 'string' },
          resourceName: { type: 'string' },
          project: { type: 'string' },
          host: {
            type: 'string',
            enum: ['appservice', 'containerapp', 'function', 'springapp', 'staticwebapp', 'aks'],
          },
          language: {
            type: 'string',
            enum: [
              'dotnet',
              'csharp',
              'fsharp',
              'py',
              'python',
              'js',
              'ts',
              'java',
              'go',
              'golang',
              'docker',
            ],
          },
          module: { type: 'string' },
          dist: { type: 'string' },
          remoteBuild: { type: 'boolean' },
          hooks: hookSet(['deploy', 'restore', 'build', 'package', 'publish']),
        },
        allOf: [
          {
            if: {
              properties: {
                host: { enum: ['appservice', 'function', 'springapp', 'staticwebapp'] },
              },
            },
            then: {
              required: ['project'],
              properties: {
                image: false,
                docker: false,
                k8s: false,
                apiVersion: false,
                env: false,
              },
            },
          },
          {
            if: { properties: { host: { not: { const: 'function' } } } },
            then: { properties: { remoteBuild: false } },
          },
        ],
      },
    },
    hooks: hookSet([
      'provision',
      'infracreate',
      'infradelete',
      'down',
      'up',
      'package',
      'publish',
      'deploy',
      'restore',
    ]),
  },
  definitions: { hook },
} as const;
