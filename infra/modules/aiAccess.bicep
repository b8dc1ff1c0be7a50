// Deployed into the AI Services account's @description('Name of the Azure AI Services account.')
param accountName string

@description('Name of the user-assigned identity the function app runs as.')
param appIdentityName string

@description('Resource group of that identity (the account may live elsewhere).')
param appIdentityResourceGroup string

@description('Optional principal id (a user) that gets the same data role, for local runs against the cloud.')
param userPrincipalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
param userPrincipalType string = 'User'

// Cognitive Services User: call inference on the account with an Entra ID token.
var cognitiveServicesUser = 'a97b65f3-24c7-4388-baec-2e87135dc908'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
  scope: resourceGroup(appIdentityResourceGroup)
}

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: accountName
}

resource appUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, appIdentity.id, cognitiveServicesUser)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesUser)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource userUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(account.id, userPrincipalId, cognitiveServicesUser)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesUser)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

output endpoint string = 'https://${account.properties.customSubDomainName}.services.ai.azure.com/models'
