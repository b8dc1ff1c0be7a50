@description('Storage account for the Functions host, the media containers, the batch queues and the deployment package.')
param name string

param location string
param tags object

@description('Blob containers to create.')
param containerNames string[]

@description('Queues to create.')
param queueNames string[]

@description('Blob prefixes (`<container>/<folder>/`) whose blobs are deleted a day after their last modification: the output claims, which the app never deletes.')
param expiringPrefixes string[] = []

@description('Container that Event Grid dead-letters undeliverable events into.')
param deadLetterContainerName string

@description('Name of the user-assigned identity the function app runs as.')
param appIdentityName string

@description('Optional principal id (a user) that gets the same data roles, for local runs against the cloud.')
param userPrincipalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
param userPrincipalType string = 'User'

@description('Deny public network access except for trusted Azure services (Event Grid dead-lettering); the app comes in through private endpoints.')
param privateNetworking bool = false

// Storage Blob Data Owner: what the Functions docs require for a blob trigger's identity (Contributor is not enough).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Queue Data Contributor: blob-trigger internal queue, poison queues, media-batch.
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0d9ff'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // 'Disabled' would also shut out trusted services, so private mode denies by default with the bypass instead.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in union(containerNames, [deadLetterContainerName]): {
    parent: blobService
    name: containerName
    properties: { publicAccess: 'None' }
  }
]

// A claim outlives its document on purpose (a late delivery must find it live), and deleting it after success
// would cost a request per input; storage deletes it instead, long after any claim has lapsed.
resource claimsLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = if (!empty(expiringPrefixes)) {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-expired-claims'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: expiringPrefixes
            }
            actions: {
              baseBlob: {
                delete: { daysAfterModificationGreaterThan: 1 }
              }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource appBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appIdentity.id, storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appIdentity.id, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource userBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(storage.id, userPrincipalId, storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

resource userQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(storage.id, userPrincipalId, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
