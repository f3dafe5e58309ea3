// Entry point of `azd up` (azure.yaml: infra.module azd): a resource group for the azd environment,
// then main.bicep in it, the same template the Azure DevOps pipeline deploys to its own groups.
targetScope = 'subscription'

@minLength(1)
@maxLength(16)
@description('azd environment name (AZURE_ENV_NAME): lower-case letters, digits and hyphens; names the resource group rg-<name> and every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource (AZURE_LOCATION). Flex Consumption must be offered there.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

var abbrs = loadJsonContent('./abbreviations.json')
var tags = { 'azd-env-name': environmentName }

// The environment's resource group, tagged so azd finds it again (azd down deletes it whole)
resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// Every resource of the app, from the template the pipeline deploys
module resources 'main.bicep' = {
  name: 'event-scoring'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
  }
}

// What azd reads (AZURE_*, SERVICE_API_NAME) and what the postprovision hook uploads the model with
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = resources.outputs.FUNCTION_APP_NAME
output SERVICE_API_URI string = resources.outputs.FUNCTION_APP_URL
output MODEL_STORAGE_ACCOUNT string = resources.outputs.MODEL_STORAGE_ACCOUNT
output MODEL_BLOB_CONTAINER string = resources.outputs.MODEL_BLOB_CONTAINER
output MODEL_BLOB_NAME string = resources.outputs.MODEL_BLOB_NAME
output SERVICEBUS_NAMESPACE string = resources.outputs.SERVICEBUS_NAMESPACE
output COSMOS_ENDPOINT string = resources.outputs.COSMOS_ENDPOINT
output APPLICATIONINSIGHTS_NAME string = resources.outputs.APPLICATIONINSIGHTS_NAME
output BACKUP_BLOB_URL string = resources.outputs.BACKUP_BLOB_URL
output BACKUP_RETENTION_DAYS string = resources.outputs.BACKUP_RETENTION_DAYS
