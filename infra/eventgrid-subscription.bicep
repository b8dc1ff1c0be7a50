// Deployed by the azd postdeploy hook (hooks/postdeploy.sh), after the code: the webhook key that the URL carries
// exists only once the Functions host has loaded the blob trigger.
metadata description = 'Event Grid subscription that delivers BlobCreated events for the input container to the blob trigger.'

@description('Function app that hosts the blob trigger.')
param functionAppName string

@description('Event Grid system topic on the storage account (created by main.bicep).')
param systemTopicName string

@description('Storage account that holds the dead-letter container.')
param storageAccountName string

param inputContainerName string = 'media-in'
param deadLetterContainerName string = 'eventgrid-deadletter'

@description('Name of the blob-trigger function in the app.')
param functionName string = 'processMediaBlob'

param subscriptionName string = 'media-blob-created'

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// The Bicep type library has no Microsoft.Web/sites/host, so its key list is read by resource id.
var blobsExtensionKey = listKeys('${app.id}/host/default', app.apiVersion).systemKeys.blobs_extension

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The key is read at deployment time and stays inside Azure; it is in no output.
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${inputContainerName}/'
      // One upload can raise several BlobCreated events; only these APIs mark a finished blob.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: ['PutBlob', 'PutBlockList', 'CopyBlob', 'FlushWithClose']
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // The topic's system identity writes here; the storage account accepts no shared keys.
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output EVENTGRID_SUBSCRIPTION_NAME string = subscription.name
