@description('Name (and custom subdomain) of the Azure AI Services account.')
param name string

param location string
param tags object

@description('Deployment name; the app sends it as the model name.')
param deploymentName string

param modelFormat string
param modelName string
param modelVersion string
param modelSkuName string
param modelCapacity int

@description('Audio deployment name; empty: no audio deployment (audio then goes to the image deployment).')
param audioDeploymentName string = ''
param audioModelFormat string = 'OpenAI'
param audioModelName string = ''
param audioModelVersion string = ''
param audioModelSkuName string = 'GlobalStandard'
param audioModelCapacity int = 10

@description('Reach the account only through its private endpoint.')
param privateNetworking bool = false

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: modelSkuName
    capacity: modelCapacity
  }
  properties: {
    model: {
      format: modelFormat
      name: modelName
      version: modelVersion
    }
  }
}

// Deployments on one account are created one after the other: parallel ones fail while the account is busy.
resource audioDeployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = if (!empty(audioDeploymentName)) {
  parent: account
  name: empty(audioDeploymentName) ? 'none' : audioDeploymentName
  sku: {
    name: audioModelSkuName
    capacity: audioModelCapacity
  }
  properties: {
    model: {
      format: audioModelFormat
      name: audioModelName
      version: audioModelVersion
    }
  }
  dependsOn: [deployment]
}

output name string = account.name
// The Foundry model-inference route; the model is chosen per request by deployment name.
output endpoint string = 'https://${account.properties.customSubDomainName}.services.ai.azure.com/models'
output deploymentName string = deployment.name
