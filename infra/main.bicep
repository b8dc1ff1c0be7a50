targetScope = 'subscription'

metadata description = 'media-completions: Flex Consumption function app, keyless storage, Event Grid blob trigger source and an Azure AI Services model deployment.'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource. The model deployment must be offered there.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional principal id (usually you, set by azd as AZURE_PRINCIPAL_ID) that gets the app\'s data roles for local runs against the cloud.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('Flex Consumption instance memory in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Flex Consumption scale-out limit.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

param inputContainerName string = 'media-in'
param outputContainerName string = 'media-out'
param batchQueueName string = 'media-batch'

@description('Model to deploy. gpt-4o reads images but not audio; for audio use an audio-capable model (see docs/deployment.md).')
param modelName string = 'gpt-4o'
param modelVersion string = '2024-11-20'

@description('Model publisher format: OpenAI for gpt-*, Microsoft for Phi-*.')
param modelFormat string = 'OpenAI'

@description('Deployment SKU, e.g. GlobalStandard (pay per token) or Standard (regional).')
param modelSkuName string = 'GlobalStandard'

@description('Capacity in thousands of tokens per minute.')
@minValue(1)
param modelCapacity int = 10

@description('Deployment name the app sends as its model; defaults to the model name.')
param modelDeploymentName string = modelName

@description('Audio-capable model deployed next to the image model (gpt-4o refuses audio); empty: no audio deployment, audio goes to the image model.')
param audioModelName string = 'gpt-4o-mini-audio-preview'
param audioModelVersion string = '2024-12-17'

@description('Model publisher format of the audio model.')
param audioModelFormat string = 'OpenAI'

@description('Deployment SKU of the audio model; the GPT-4o audio previews are offered as GlobalStandard.')
param audioModelSkuName string = 'GlobalStandard'

@description('Capacity of the audio deployment in thousands of tokens per minute.')
@minValue(1)
param audioModelCapacity int = 10

@description('Deployment name the app sends with audio; defaults to the audio model name. With an existing endpoint or account, name your audio deployment here (empty: audio uses the image deployment).')
param audioModelDeploymentName string = ''

@description('Resource id of an existing Azure AI Services account to use instead of creating one; the app is granted Cognitive Services User on it.')
param existingAiServicesResourceId string = ''

@description('Any existing model-inference endpoint to use instead of creating an account (you grant the app identity access yourself).')
param existingInferenceEndpoint string = ''

@description('Entra ID scope of the inference endpoint.')
param inferenceScope string = 'https://cognitiveservices.azure.com/.default'

@description('Put the app in a VNet and reach storage (and a created AI account) through private endpoints.')
param vnetEnabled bool = false

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var createAiServices = empty(existingAiServicesResourceId) && empty(existingInferenceEndpoint)
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'
var identityName = 'id-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var aiServicesName = 'ais-${resourceToken}'
var audioDeploymentName = empty(audioModelDeploymentName) ? audioModelName : audioModelDeploymentName
// Naming the image deployment (or no model) means one deployment for both kinds.
var deployAudio = createAiServices && !empty(audioModelName) && audioDeploymentName != modelDeploymentName
// The deployment audio requests name: the created one, one named for an existing endpoint, else the image one.
var inferenceAudioModel = deployAudio
  ? audioDeploymentName
  : (!createAiServices && !empty(audioModelDeploymentName) ? audioModelDeploymentName : modelDeploymentName)

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: [inputContainerName, outputContainerName, deploymentContainerName]
    queueNames: [
      batchQueueName
      '${batchQueueName}-poison'
      '${batchQueueName}-plan'
      '${batchQueueName}-finalize'
      '${batchQueueName}-plan-poison'
      '${batchQueueName}-finalize-poison'
      'webjobs-blobtrigger-poison'
    ]
    deadLetterContainerName: deadLetterContainerName
    // The output claims (src/core/outputs/claimBlobName.ts): kept after success, deleted by storage a day later.
    expiringPrefixes: ['${outputContainerName}/claims/']
    appIdentityName: identityName
    userPrincipalId: principalId
    userPrincipalType: principalType
    privateNetworking: vnetEnabled
  }
  dependsOn: [identity]
}

module eventGridTopic 'modules/eventGridTopic.bicep' = {
  scope: rg
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [storage]
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    appIdentityName: identityName
  }
  dependsOn: [identity]
}

module ai 'modules/ai.bicep' = if (createAiServices) {
  scope: rg
  params: {
    name: aiServicesName
    location: location
    tags: tags
    deploymentName: modelDeploymentName
    modelFormat: modelFormat
    modelName: modelName
    modelVersion: modelVersion
    modelSkuName: modelSkuName
    modelCapacity: modelCapacity
    audioDeploymentName: deployAudio ? audioDeploymentName : ''
    audioModelFormat: audioModelFormat
    audioModelName: audioModelName
    audioModelVersion: audioModelVersion
    audioModelSkuName: audioModelSkuName
    audioModelCapacity: audioModelCapacity
    privateNetworking: vnetEnabled
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    aiServicesName: createAiServices ? aiServicesName : ''
  }
  dependsOn: [storage, ai]
}

// ARM evaluates a conditional module's scope even when it is skipped, so the parts fall back when no id is given.
var existingAiParts = split(existingAiServicesResourceId, '/')

module aiAccess 'modules/aiAccess.bicep' = if (createAiServices) {
  scope: rg
  params: {
    accountName: aiServicesName
    appIdentityName: identityName
    appIdentityResourceGroup: rg.name
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [ai, identity]
}

module existingAiAccess 'modules/aiAccess.bicep' = if (!empty(existingAiServicesResourceId)) {
  scope: resourceGroup(existingAiParts[?2] ?? subscription().subscriptionId, existingAiParts[?4] ?? rg.name)
  params: {
    accountName: last(existingAiParts)
    appIdentityName: identityName
    appIdentityResourceGroup: rg.name
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [identity]
}

var inferenceEndpoint = !empty(existingInferenceEndpoint)
  ? existingInferenceEndpoint
  : createAiServices ? aiAccess!.outputs.endpoint : existingAiAccess!.outputs.endpoint
var aiAccountName = createAiServices ? aiServicesName : last(existingAiParts)

module functionApp 'modules/functionApp.bicep' = {
  scope: rg
  params: {
    planName: 'plan-${resourceToken}'
    appName: 'func-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: deploymentContainerName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    inputContainerName: inputContainerName
    outputContainerName: outputContainerName
    batchQueueName: batchQueueName
    inferenceEndpoint: inferenceEndpoint
    inferenceModel: modelDeploymentName
    inferenceAudioModel: inferenceAudioModel
    inferenceScope: inferenceScope
    integrationSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_FUNCTION_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_FUNCTION_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_AI_SERVICES_NAME string = empty(existingInferenceEndpoint) || !empty(existingAiServicesResourceId)
  ? aiAccountName
  : ''
output AZURE_INFERENCE_ENDPOINT string = inferenceEndpoint
output AZURE_INFERENCE_MODEL string = modelDeploymentName
output AZURE_INFERENCE_AUDIO_MODEL string = inferenceAudioModel
output AZURE_INFERENCE_SCOPE string = inferenceScope
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output EVENTGRID_SYSTEM_TOPIC_NAME string = eventGridTopic.outputs.name
output EVENTGRID_DEADLETTER_CONTAINER string = deadLetterContainerName
output MEDIA_INPUT_CONTAINER string = inputContainerName
output MEDIA_OUTPUT_CONTAINER string = outputContainerName
output MEDIA_BATCH_QUEUE string = batchQueueName
