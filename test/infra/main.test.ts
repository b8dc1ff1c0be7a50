import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArmTemplate, LocatedResource } from './armTemplate';
import { allResources, inlineVariables, moduleParameter, moduleTemplate } from './armTemplate';
import { CLAIMS_FOLDER } from '../../src/core/outputs/claimBlobName';
import { BICEP_TIMEOUT_MS, compileBicep, infraDir, describeWithBicep } from './bicep';

const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0d9ff',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  cognitiveServicesUser: 'a97b65f3-24c7-4388-baec-2e87135dc908',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

let main: ArmTemplate;
let resources: LocatedResource[];

beforeAll(async () => {
  main = await compileBicep('main.bicep');
  resources = allResources(main);
}, BICEP_TIMEOUT_MS);

function deployed(type: string): LocatedResource[] {
  return resources.filter((r) => r.resource.type === type && r.resource.existing !== true);
}

function only(type: string): LocatedResource {
  const found = deployed(type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The image model's deployment (the unconditional one). */
function imageDeployment(): LocatedResource {
  const found = deployed('Microsoft.CognitiveServices/accounts/deployments').filter(
    (located) => located.resource.condition === undefined,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** A deployment whose SKU, capacity and model come from the `<prefix>SkuName`, `<prefix>Name`, ... parameters. */
function expectParameterisedDeployment(deployment: LocatedResource, prefix: string): void {
  const parameter = (name: string): string => `[parameters('${prefix}${name}')]`;
  expect(deployment.resource.sku).toEqual({ name: parameter('SkuName'), capacity: parameter('Capacity') });
  expect(deployment.resource.properties).toEqual({
    model: { format: parameter('Format'), name: parameter('Name'), version: parameter('Version') },
  });
}

function defaultOf(name: string): unknown {
  return main.parameters?.[name]?.defaultValue;
}

describeWithBicep('main.bicep storage', () => {
  it('accepts no shared keys, no public blobs and nothing below TLS 1.2', () => {
    const storage = only('Microsoft.Storage/storageAccounts');
    expect(storage.resource.properties).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
      defaultToOAuthAuthentication: true,
    });
  });

  it('creates the input, output, deployment and dead-letter containers, all private', () => {
    const names = moduleParameter(main, 'storage', 'containerNames');
    expect(inlineVariables(main, names)).toBe(
      JSON.stringify([
        "[parameters('inputContainerName')]",
        "[parameters('outputContainerName')]",
        "['app-package']",
      ]),
    );
    expect(defaultOf('inputContainerName')).toBe('media-in');
    expect(defaultOf('outputContainerName')).toBe('media-out');
    expect(inlineVariables(main, moduleParameter(main, 'storage', 'deadLetterContainerName'))).toBe(
      "['eventgrid-deadletter']",
    );
    const containers = only('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers.resource.name).toContain("createArray(parameters('deadLetterContainerName'))");
    expect(containers.resource.properties).toEqual({ publicAccess: 'None' });
  });

  it('creates the batch queues (items, poison, plan, finalize, their poison) and the blob-trigger poison queue', () => {
    expect(moduleParameter(main, 'storage', 'queueNames')).toEqual([
      "[parameters('batchQueueName')]",
      "[format('{0}-poison', parameters('batchQueueName'))]",
      "[format('{0}-plan', parameters('batchQueueName'))]",
      "[format('{0}-finalize', parameters('batchQueueName'))]",
      "[format('{0}-plan-poison', parameters('batchQueueName'))]",
      "[format('{0}-finalize-poison', parameters('batchQueueName'))]",
      'webjobs-blobtrigger-poison',
    ]);
    expect(defaultOf('batchQueueName')).toBe('media-batch');
  });

  it('deletes the output claims a day after their last modification, and nothing else', () => {
    expect(moduleParameter(main, 'storage', 'expiringPrefixes')).toEqual([
      `[format('{0}/${CLAIMS_FOLDER}/', parameters('outputContainerName'))]`,
    ]);
    const policy = only('Microsoft.Storage/storageAccounts/managementPolicies');
    expect(policy.module).toBe('storage');
    expect(policy.resource.properties).toEqual({
      policy: {
        rules: [
          {
            name: 'delete-expired-claims',
            enabled: true,
            type: 'Lifecycle',
            definition: {
              filters: { blobTypes: ['blockBlob'], prefixMatch: "[parameters('expiringPrefixes')]" },
              actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 1 } } },
            },
          },
        ],
      },
    });
  });
});

describeWithBicep('main.bicep monitoring and AI', () => {
  it('turns local auth off on Log Analytics and Application Insights', () => {
    expect(only('Microsoft.Insights/components').resource.properties).toMatchObject({
      DisableLocalAuth: true,
    });
    expect(only('Microsoft.OperationalInsights/workspaces').resource.properties).toMatchObject({
      features: { disableLocalAuth: true },
    });
  });

  it('creates an AIServices account with local auth off and a parameterised model deployment', () => {
    const account = only('Microsoft.CognitiveServices/accounts');
    expect(account.resource.kind).toBe('AIServices');
    expect(account.resource.properties).toMatchObject({ disableLocalAuth: true });
    expectParameterisedDeployment(imageDeployment(), 'model');
    expect(defaultOf('modelName')).toBe('gpt-4o');
    expect(defaultOf('modelSkuName')).toBe('GlobalStandard');
    expect(main.resources).toHaveProperty(['ai', 'condition'], "[variables('createAiServices')]");
  });

  it('deploys an audio-capable model after the image model, unless turned off or named the same', () => {
    const deployments = deployed('Microsoft.CognitiveServices/accounts/deployments');
    expect(deployments).toHaveLength(2);
    const audio = deployments.find((found) => found.resource !== imageDeployment().resource)!;
    expect(audio.resource.condition).toBe("[not(empty(parameters('audioDeploymentName')))]");
    expectParameterisedDeployment(audio, 'audioModel');
    // Deployments on one account fail when created in parallel.
    expect(JSON.stringify((audio.resource as { dependsOn?: unknown }).dependsOn)).toContain(
      "parameters('deploymentName')",
    );
    expect(defaultOf('audioModelName')).toBe('gpt-4o-mini-audio-preview');
    expect(defaultOf('audioModelVersion')).toBe('2024-12-17');
    expect(defaultOf('audioModelFormat')).toBe('OpenAI');
    expect(defaultOf('audioModelSkuName')).toBe('GlobalStandard');
    expect(defaultOf('audioModelDeploymentName')).toBe('');
    expect(moduleParameter(main, 'ai', 'audioDeploymentName')).toBe(
      "[if(variables('deployAudio'), createObject('value', variables('audioDeploymentName')), createObject('value', ''))]",
    );
    expect(main.variables?.deployAudio).toBe(
      "[and(and(variables('createAiServices'), not(empty(parameters('audioModelName')))), not(equals(variables('audioDeploymentName'), parameters('modelDeploymentName'))))]",
    );
    expect(main.variables?.audioDeploymentName).toBe(
      "[if(empty(parameters('audioModelDeploymentName')), parameters('audioModelName'), parameters('audioModelDeploymentName'))]",
    );
  });

  it('skips the account when the user brings an endpoint or an account', () => {
    expect(main.variables?.createAiServices).toBe(
      "[and(empty(parameters('existingAiServicesResourceId')), empty(parameters('existingInferenceEndpoint')))]",
    );
    expect(defaultOf('existingInferenceEndpoint')).toBe('');
    expect(defaultOf('existingAiServicesResourceId')).toBe('');
    // A skipped module's scope is still evaluated, so an empty id must not index out of range.
    expect(main.resources).toHaveProperty(
      ['existingAiAccess', 'resourceGroup'],
      "[coalesce(tryGet(variables('existingAiParts'), 4), format('rg-{0}', parameters('environmentName')))]",
    );
  });
});

describeWithBicep('main.bicep parameters', () => {
  it('marks location as an azd location, so azd asks for a region from its list', () => {
    expect(main.parameters?.location?.metadata).toMatchObject({ azd: { type: 'location' } });
  });
});

describeWithBicep('main.bicep function app', () => {
  it('runs on a Flex Consumption FC1 plan with Node 22 and the user-assigned identity', () => {
    const plan = only('Microsoft.Web/serverfarms');
    expect(plan.resource.sku).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    const app = only('Microsoft.Web/sites');
    expect(app.resource.kind).toBe('functionapp,linux');
    expect(app.resource.identity).toMatchObject({ type: 'UserAssigned' });
    expect(app.resource.properties).toMatchObject({
      httpsOnly: true,
      functionAppConfig: {
        runtime: { name: 'node', version: '22' },
        scaleAndConcurrency: {
          instanceMemoryMB: "[parameters('instanceMemoryMB')]",
          maximumInstanceCount: "[parameters('maximumInstanceCount')]",
        },
        deployment: {
          storage: {
            type: 'blobContainer',
            value:
              "[format('{0}{1}', parameters('storageBlobEndpoint'), parameters('deploymentContainerName'))]",
            authentication: { type: 'UserAssignedIdentity' },
          },
        },
      },
    });
    expect(main.parameters?.instanceMemoryMB).toMatchObject({
      defaultValue: 2048,
      allowedValues: [512, 2048, 4096],
    });
    expect(defaultOf('maximumInstanceCount')).toBe(100);
  });

  it('connects to storage with its identity: blob and queue URIs, credential and client id', () => {
    const settings = only('Microsoft.Web/sites/config').resource.properties ?? {};
    for (const prefix of ['AzureWebJobsStorage', 'MediaStorage']) {
      expect(settings).toMatchObject({
        [`${prefix}__credential`]: 'managedidentity',
        [`${prefix}__clientId`]: "[parameters('identityClientId')]",
        [`${prefix}__blobServiceUri`]: "[parameters('storageBlobEndpoint')]",
        [`${prefix}__queueServiceUri`]: "[parameters('storageQueueEndpoint')]",
      });
    }
    expect(moduleParameter(main, 'functionApp', 'identityClientId')).toBe(
      "[reference('identity').outputs.clientId.value]",
    );
    expect(moduleParameter(main, 'functionApp', 'storageBlobEndpoint')).toBe(
      "[reference('storage').outputs.blobEndpoint.value]",
    );
    expect(moduleParameter(main, 'functionApp', 'storageQueueEndpoint')).toBe(
      "[reference('storage').outputs.queueEndpoint.value]",
    );
  });

  it('sets exactly the settings the app reads, with no key, connection string or worker runtime', () => {
    const settings = only('Microsoft.Web/sites/config').resource.properties ?? {};
    expect(Object.keys(settings).sort()).toEqual(
      [
        'AzureWebJobsStorage__credential',
        'AzureWebJobsStorage__clientId',
        'AzureWebJobsStorage__blobServiceUri',
        'AzureWebJobsStorage__queueServiceUri',
        'MediaStorage__credential',
        'MediaStorage__clientId',
        'MediaStorage__blobServiceUri',
        'MediaStorage__queueServiceUri',
        'MEDIA_INPUT_CONTAINER',
        'MEDIA_OUTPUT_CONTAINER',
        'MEDIA_BATCH_QUEUE',
        'MEDIA_BLOB_TRIGGER_SOURCE',
        'AZURE_INFERENCE_ENDPOINT',
        'AZURE_INFERENCE_MODEL',
        'AZURE_INFERENCE_AUDIO_MODEL',
        'AZURE_INFERENCE_SCOPE',
        'AZURE_CLIENT_ID',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
        'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      ].sort(),
    );
    expect(settings).toMatchObject({
      MEDIA_BLOB_TRIGGER_SOURCE: 'EventGrid',
      AZURE_CLIENT_ID: "[parameters('identityClientId')]",
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
        "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
    });
    const { APPLICATIONINSIGHTS_CONNECTION_STRING: telemetry, ...rest } = settings;
    // Application Insights' connection string cannot authenticate with local auth off; it is the only one.
    expect(moduleParameter(main, 'functionApp', 'applicationInsightsConnectionString')).toBe(
      "[reference('monitoring').outputs.connectionString.value]",
    );
    expect(telemetry).toBe("[parameters('applicationInsightsConnectionString')]");
    expect(JSON.stringify(rest)).not.toMatch(
      /listKeys|AccountKey|SharedAccess|ConnectionString|api-key|secret/i,
    );
  });

  it('points the app at the model endpoint, model and Entra scope', () => {
    expect(defaultOf('inferenceScope')).toBe('https://cognitiveservices.azure.com/.default');
    expect(moduleParameter(main, 'functionApp', 'inferenceScope')).toBe("[parameters('inferenceScope')]");
    expect(moduleParameter(main, 'functionApp', 'inferenceModel')).toBe(
      "[parameters('modelDeploymentName')]",
    );
    expect(defaultOf('modelDeploymentName')).toBe("[parameters('modelName')]");
    // Audio: the created audio deployment, else one named for a brought endpoint, else the image deployment.
    expect(moduleParameter(main, 'functionApp', 'inferenceAudioModel')).toBe(
      "[variables('inferenceAudioModel')]",
    );
    expect(main.variables?.inferenceAudioModel).toBe(
      "[if(variables('deployAudio'), variables('audioDeploymentName'), if(and(not(variables('createAiServices')), not(empty(parameters('audioModelDeploymentName')))), parameters('audioModelDeploymentName'), parameters('modelDeploymentName')))]",
    );
    expect(only('Microsoft.Web/sites/config').resource.properties).toMatchObject({
      AZURE_INFERENCE_AUDIO_MODEL: "[parameters('inferenceAudioModel')]",
    });
    expect(main.outputs?.AZURE_INFERENCE_AUDIO_MODEL?.value).toBe("[variables('inferenceAudioModel')]");
    expect(moduleParameter(main, 'functionApp', 'inferenceEndpoint')).toContain(
      "reference('aiAccess').outputs.endpoint.value",
    );
    const endpoint = moduleTemplate(main, 'aiAccess').outputs?.endpoint?.value;
    expect(endpoint).toMatch(/^\[format\('https:\/\/\{0\}\.services\.ai\.azure\.com\/models'/);
  });
});

describeWithBicep('main.bicep role assignments', () => {
  const appIdentity =
    "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('appIdentityName'))";
  const cases: {
    label: string;
    module: string;
    role: string;
    scope: string;
    principal: string;
    conditional: boolean;
  }[] = [
    {
      label: 'Storage Blob Data Owner to the app',
      module: 'storage',
      role: ROLE.storageBlobDataOwner,
      scope: "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
      principal: "[reference('appIdentity').principalId]",
      conditional: false,
    },
    {
      label: 'Storage Queue Data Contributor to the app',
      module: 'storage',
      role: ROLE.storageQueueDataContributor,
      scope: "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
      principal: "[reference('appIdentity').principalId]",
      conditional: false,
    },
    {
      label: 'Storage Blob Data Owner to the user',
      module: 'storage',
      role: ROLE.storageBlobDataOwner,
      scope: "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
      principal: "[parameters('userPrincipalId')]",
      conditional: true,
    },
    {
      label: 'Storage Queue Data Contributor to the user',
      module: 'storage',
      role: ROLE.storageQueueDataContributor,
      scope: "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
      principal: "[parameters('userPrincipalId')]",
      conditional: true,
    },
    {
      label: 'Monitoring Metrics Publisher to the app',
      module: 'monitoring',
      role: ROLE.monitoringMetricsPublisher,
      scope: "[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]",
      principal: `[reference(${appIdentity}, '2023-01-31').principalId]`,
      conditional: false,
    },
    {
      label: 'Cognitive Services User to the app',
      module: 'aiAccess',
      role: ROLE.cognitiveServicesUser,
      scope: "[resourceId('Microsoft.CognitiveServices/accounts', parameters('accountName'))]",
      principal: "reference(extensionResourceId(format('/subscriptions/{0}/resourceGroups/{1}'",
      conditional: false,
    },
    {
      label: 'Cognitive Services User to the user',
      module: 'aiAccess',
      role: ROLE.cognitiveServicesUser,
      scope: "[resourceId('Microsoft.CognitiveServices/accounts', parameters('accountName'))]",
      principal: "[parameters('userPrincipalId')]",
      conditional: true,
    },
    {
      label: 'Storage Blob Data Contributor to the Event Grid topic',
      module: 'eventGridTopic',
      role: ROLE.storageBlobDataContributor,
      scope:
        "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageAccountName'), 'default', parameters('deadLetterContainerName'))]",
      principal:
        "[reference(resourceId('Microsoft.EventGrid/systemTopics', parameters('name')), '2022-06-15', 'full').identity.principalId]",
      conditional: false,
    },
  ];

  function assignments(): {
    module: string;
    role: string;
    scope: string;
    principal: string;
    name: string;
    condition: unknown;
  }[] {
    return deployed('Microsoft.Authorization/roleAssignments').map((r) => ({
      module: r.module,
      role: inlineVariables(r.template, r.resource.properties?.roleDefinitionId),
      scope: r.resource.scope ?? '',
      principal: String(r.resource.properties?.principalId),
      name: r.resource.name,
      condition: r.resource.condition,
    }));
  }

  it.each(cases)('$module grants $label on its narrowest scope', (expected) => {
    const matches = assignments().filter(
      (a) =>
        a.module === expected.module &&
        a.role ===
          `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${expected.role}')]` &&
        a.principal.includes(expected.principal),
    );
    expect(matches).toHaveLength(1);
    const assignment = matches[0]!;
    expect(assignment.scope).toBe(expected.scope);
    expect(assignment.name).toMatch(/^\[guid\(/);
    expect(assignment.condition).toBe(
      expected.conditional ? "[not(empty(parameters('userPrincipalId')))]" : undefined,
    );
  });

  it('has no other role assignment, and none at resource-group or subscription scope', () => {
    // existingAiAccess repeats aiAccess's two for an account the user brings.
    expect(assignments()).toHaveLength(cases.length + 2);
    expect(assignments().filter((a) => a.module === 'existingAiAccess')).toHaveLength(2);
    for (const a of assignments()) expect(a.scope).not.toBe('');
  });

  it('gives the deploying user the same data roles through principalId', () => {
    for (const module of ['storage', 'aiAccess', 'existingAiAccess']) {
      expect(moduleParameter(main, module, 'userPrincipalId')).toBe("[parameters('principalId')]");
    }
    expect(defaultOf('principalId')).toBe('');
  });
});

describeWithBicep('main.bicep Event Grid topic', () => {
  it('puts a system topic with its own identity on the storage account', () => {
    const topic = only('Microsoft.EventGrid/systemTopics');
    expect(topic.resource.identity).toEqual({ type: 'SystemAssigned' });
    expect(topic.resource.properties).toEqual({
      source: "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
      topicType: 'Microsoft.Storage.StorageAccounts',
    });
  });
});

describeWithBicep('main.bicep private networking (vnetEnabled)', () => {
  it('is off by default and, when on, integrates the app with a delegated subnet', () => {
    expect(main.parameters?.vnetEnabled).toMatchObject({ type: 'bool', defaultValue: false });
    expect(main.resources).toHaveProperty(['network', 'condition'], "[parameters('vnetEnabled')]");
    expect(moduleParameter(main, 'functionApp', 'integrationSubnetId')).toBe(
      "[if(parameters('vnetEnabled'), createObject('value', reference('network').outputs.appSubnetId.value), createObject('value', ''))]",
    );
    expect(only('Microsoft.Web/sites').resource.properties).toHaveProperty(
      'virtualNetworkSubnetId',
      "[if(empty(parameters('integrationSubnetId')), null(), parameters('integrationSubnetId'))]",
    );
    const vnet = only('Microsoft.Network/virtualNetworks').resource.properties as {
      subnets: { name: string; properties: { delegations?: { properties: { serviceName: string } }[] } }[];
    };
    const app = vnet.subnets.find((subnet) => subnet.name === 'app');
    expect(app?.properties.delegations?.[0]?.properties.serviceName).toBe('Microsoft.App/environments');
  });

  it('denies public access to storage but keeps trusted services (Event Grid dead-lettering) in', () => {
    expect(moduleParameter(main, 'storage', 'privateNetworking')).toBe("[parameters('vnetEnabled')]");
    expect(moduleParameter(main, 'ai', 'privateNetworking')).toBe("[parameters('vnetEnabled')]");
    expect(only('Microsoft.Storage/storageAccounts').resource.properties).toMatchObject({
      publicNetworkAccess: 'Enabled',
      networkAcls: {
        bypass: 'AzureServices',
        defaultAction: "[if(parameters('privateNetworking'), 'Deny', 'Allow')]",
      },
    });
    expect(only('Microsoft.CognitiveServices/accounts').resource.properties).toMatchObject({
      publicNetworkAccess: "[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]",
    });
  });

  it('puts private endpoints on blob, queue and the AI account, each with its DNS zones', () => {
    const endpoints = String(moduleTemplate(main, 'network').variables?.endpoints);
    for (const group of ['blob', 'queue', 'account']) expect(endpoints).toContain(`'group', '${group}'`);
    for (const zone of [
      "'privatelink.blob.{0}'",
      "'privatelink.queue.{0}'",
      "'privatelink.services.ai.azure.com'",
    ]) {
      expect(endpoints).toContain(zone);
    }
    expect(deployed('Microsoft.Network/privateEndpoints')).toHaveLength(1);
    expect(deployed('Microsoft.Network/privateEndpoints/privateDnsZoneGroups')).toHaveLength(1);
    expect(deployed('Microsoft.Network/privateDnsZones/virtualNetworkLinks')).toHaveLength(1);
  });
});

describeWithBicep('main.bicep outputs and secrets', () => {
  it('names every output in UPPER_SNAKE and exposes what azd and the postdeploy hook need', () => {
    const outputs = Object.keys(main.outputs ?? {});
    for (const name of outputs) expect(name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'AZURE_RESOURCE_GROUP',
        'AZURE_FUNCTION_APP_NAME',
        'AZURE_STORAGE_ACCOUNT_NAME',
        'AZURE_STORAGE_BLOB_ENDPOINT',
        'AZURE_STORAGE_QUEUE_ENDPOINT',
        'AZURE_AI_SERVICES_NAME',
        'AZURE_INFERENCE_ENDPOINT',
        'AZURE_INFERENCE_MODEL',
        'EVENTGRID_SYSTEM_TOPIC_NAME',
        'EVENTGRID_DEADLETTER_CONTAINER',
        'MEDIA_INPUT_CONTAINER',
      ]),
    );
  });

  it('has no key, secret or connection string anywhere in the template or its outputs', () => {
    const text = JSON.stringify(main);
    expect(text).not.toMatch(/listKeys|listSecrets|listConnectionStrings|AccountKey|SharedAccessSignature/);
    expect(text).not.toMatch(/DefaultEndpointsProtocol|securestring|secureObject/i);
    const outputs = JSON.stringify(main.outputs);
    expect(outputs).not.toMatch(/connectionString|ConnectionString|key/i);
    for (const output of Object.values(main.outputs ?? {})) expect(output.type).toBe('string');
  });

  it('main.parameters.json sets only real parameters and every required one', async () => {
    const file = JSON.parse(await readFile(path.join(infraDir, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, unknown>;
    };
    const declared = main.parameters ?? {};
    for (const name of Object.keys(file.parameters)) expect(Object.keys(declared)).toContain(name);
    const required = Object.entries(declared)
      .filter(([, p]) => !('defaultValue' in p))
      .map(([name]) => name);
    expect(required.sort()).toEqual(['environmentName', 'location']);
    for (const name of required) expect(Object.keys(file.parameters)).toContain(name);
  });

  it('azure.yaml deploys to the app tagged with its service name and runs hooks that exist', async () => {
    const yaml = await readFile(path.join(infraDir, '..', 'azure.yaml'), 'utf8');
    const service = /^services:\n {2}([\w-]+):\n/m.exec(yaml)?.[1];
    expect(service).toBe('api');
    expect(only('Microsoft.Web/sites').resource).toHaveProperty(
      'tags',
      `[union(parameters('tags'), createObject('azd-service-name', '${String(service)}'))]`,
    );
    expect(yaml).toMatch(/^ {4}host: function$/m);
    const hooks = [...yaml.matchAll(/^ {6}run: \.\/(\S+)$/gm)].map((m) => m[1] ?? '');
    expect(hooks).toEqual(['infra/hooks/postdeploy.sh', 'infra/hooks/postdeploy.ps1']);
    for (const hook of hooks)
      await expect(readFile(path.join(infraDir, '..', hook), 'utf8')).resolves.toContain(
        'eventgrid-subscription.bicep',
      );
  });

  it('main.parameters.json falls back to the same defaults as main.bicep', async () => {
    const file = JSON.parse(await readFile(path.join(infraDir, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const withDefaults = Object.entries(file.parameters).flatMap(([name, { value }]) => {
      const match = /^\$\{[A-Z0-9_]+=(.*)\}$/.exec(String(value));
      return match ? [[name, match[1]] as const] : [];
    });
    expect(withDefaults.length).toBeGreaterThan(8);
    for (const [name, fallback] of withDefaults) {
      expect({ name, fallback }).toEqual({ name, fallback: String(defaultOf(name)) });
    }
  });
});
