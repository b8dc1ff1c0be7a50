// Optional private networking (main.bicep's vnetEnabled): a VNet for the app's outbound traffic and private
// endpoints, with the private DNS zones that make the usual host names resolve to them.
param name string
param location string
param tags object

param storageAccountName string

@description('AI Services account to reach privately; empty when the app uses an endpoint it does not own.')
param aiServicesName string = ''

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource aiServices 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = if (!empty(aiServicesName)) {
  name: aiServicesName
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.0.1.0/24'
          // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: '10.0.2.0/24'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: 'app'
  }

  resource endpointSubnet 'subnets' existing = {
    name: 'private-endpoints'
  }
}

var endpoints = concat(
  [
    { name: 'blob', id: storage.id, group: 'blob', zones: ['privatelink.blob.${environment().suffixes.storage}'] }
    { name: 'queue', id: storage.id, group: 'queue', zones: ['privatelink.queue.${environment().suffixes.storage}'] }
  ],
  empty(aiServicesName)
    ? []
    : [
        {
          name: 'ai'
          id: aiServices.id
          group: 'account'
          zones: [
            'privatelink.cognitiveservices.azure.com'
            'privatelink.openai.azure.com'
            'privatelink.services.ai.azure.com'
          ]
        }
      ]
)

var zoneNames = flatten(map(endpoints, e => e.zones))

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for zone in zoneNames: {
    name: zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (zone, i) in zoneNames: {
    parent: zones[i]
    name: name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: vnet.id }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for e in endpoints: {
    name: 'pe-${e.name}-${name}'
    location: location
    tags: tags
    properties: {
      subnet: { id: vnet::endpointSubnet.id }
      privateLinkServiceConnections: [
        {
          name: e.name
          properties: {
            privateLinkServiceId: e.id
            groupIds: [e.group]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (e, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        for zone in e.zones: {
          name: replace(zone, '.', '-')
          properties: { privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', zone) }
        }
      ]
    }
    dependsOn: [zones]
  }
]

output appSubnetId string = vnet::appSubnet.id
