import type { ArmResource, ArmTemplate } from './armTemplate';
import { allResources, moduleParameter } from './armTemplate';
import { BICEP_TIMEOUT_MS, compileBicep, describeWithBicep } from './bicep';

let template: ArmTemplate;
let main: ArmTemplate;
let subscription: ArmResource;

beforeAll(async () => {
  [template, main] = await Promise.all([
    compileBicep('eventgrid-subscription.bicep'),
    compileBicep('main.bicep'),
  ]);
  const found = allResources(template).filter(
    (r) => r.resource.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions',
  );
  expect(found).toHaveLength(1);
  subscription = found[0]!.resource;
}, BICEP_TIMEOUT_MS);

function defaultOf(name: string): unknown {
  return template.parameters?.[name]?.defaultValue;
}

describeWithBicep('eventgrid-subscription.bicep', () => {
  it('delivers only finished BlobCreated uploads', () => {
    expect(subscription.properties?.filter).toEqual({
      includedEventTypes: ['Microsoft.Storage.BlobCreated'],
      subjectBeginsWith:
        "[format('/blobServices/default/containers/{0}/', parameters('inputContainerName'))]",
      advancedFilters: [
        {
          operatorType: 'StringIn',
          key: 'data.api',
          values: ['PutBlob', 'PutBlockList', 'CopyBlob', 'FlushWithClose'],
        },
      ],
    });
    expect(defaultOf('inputContainerName')).toBe('media-in');
    expect(subscription.properties?.eventDeliverySchema).toBe('EventGridSchema');
  });

  it('calls the blob extension webhook of processMediaBlob with the blobs_extension system key', () => {
    const destination = subscription.properties?.destination as { endpointType: string; properties: unknown };
    expect(destination.endpointType).toBe('WebHook');
    expect(destination.properties).toMatchObject({
      endpointUrl:
        "[format('https://{0}/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}', reference(resourceId('Microsoft.Web/sites', parameters('functionAppName')), '2024-04-01').defaultHostName, parameters('functionName'), listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', parameters('functionAppName'))), '2024-04-01').systemKeys.blobs_extension)]",
    });
    expect(defaultOf('functionName')).toBe('processMediaBlob');
  });

  it('dead-letters undeliverable events to the container, with the topic identity', () => {
    expect(subscription.properties?.deadLetterWithResourceIdentity).toEqual({
      identity: { type: 'SystemAssigned' },
      deadLetterDestination: {
        endpointType: 'StorageBlob',
        properties: {
          resourceId: "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
          blobContainerName: "[parameters('deadLetterContainerName')]",
        },
      },
    });
    expect(subscription.properties).not.toHaveProperty('deadLetterDestination');
    expect(subscription.properties?.retryPolicy).toEqual({
      maxDeliveryAttempts: 30,
      eventTimeToLiveInMinutes: 1440,
    });
  });

  it('uses the same container names as main.bicep', () => {
    expect(defaultOf('deadLetterContainerName')).toBe(main.variables?.deadLetterContainerName);
    expect(moduleParameter(main, 'eventGridTopic', 'deadLetterContainerName')).toBe(
      "[variables('deadLetterContainerName')]",
    );
    expect(defaultOf('inputContainerName')).toBe(main.parameters?.inputContainerName?.defaultValue);
  });

  it('reads the key only inside the webhook URL and outputs nothing secret', () => {
    const text = JSON.stringify(template);
    expect(text.match(/listKeys/g)).toHaveLength(1);
    expect(JSON.stringify(subscription.properties?.destination)).toContain('listKeys');
    const outputs = template.outputs ?? {};
    expect(Object.keys(outputs)).toEqual(['EVENTGRID_SUBSCRIPTION_NAME']);
    expect(JSON.stringify(outputs)).not.toMatch(/listKeys|code=|endpointUrl|key/i);
  });
});
