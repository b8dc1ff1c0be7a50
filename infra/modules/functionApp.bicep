param planName string
param appName string
param location string
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string

param storageBlobEndpoint string
param storageQueueEndpoint string
param deploymentContainerName string

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

param inputContainerName string
param outputContainerName string
param batchQueueName string

@description('Model-inference endpoint the app calls with its identity.')
param inferenceEndpoint string

@description('Deployment (model) name the app sends.')
param inferenceModel string

@description('Deployment (model) name the app sends with audio.')
param inferenceAudioModel string

@description('Entra ID scope for inference tokens.')
param inferenceScope string

param applicationInsightsConnectionString string

@description('Subnet for outbound VNet integration; empty for none.')
param integrationSubnetId string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(integrationSubnetId) ? null : integrationSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Flex Consumption takes the runtime from functionAppConfig; FUNCTIONS_WORKER_RUNTIME is rejected here.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    MediaStorage__credential: 'managedidentity'
    MediaStorage__clientId: identityClientId
    MediaStorage__blobServiceUri: storageBlobEndpoint
    MediaStorage__queueServiceUri: storageQueueEndpoint
    MEDIA_INPUT_CONTAINER: inputContainerName
    MEDIA_OUTPUT_CONTAINER: outputContainerName
    MEDIA_BATCH_QUEUE: batchQueueName
    // Flex Consumption runs blob triggers only from Event Grid.
    MEDIA_BLOB_TRIGGER_SOURCE: 'EventGrid'
    AZURE_INFERENCE_ENDPOINT: inferenceEndpoint
    AZURE_INFERENCE_MODEL: inferenceModel
    AZURE_INFERENCE_AUDIO_MODEL: inferenceAudioModel
    AZURE_INFERENCE_SCOPE: inferenceScope
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
