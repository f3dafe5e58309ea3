using './main.bicep'

// dev: small and cheap; data expires after 30 days
param environmentName = 'dev'
param instanceMemoryMB = 2048
param maximumInstanceCount = 10
param duplicateDetectionWindow = 'PT10M'
param maxDeliveryCount = 10
param lockDuration = 'PT1M'
param dataTtlSeconds = 2592000
param deadLetterTtlSeconds = 604800
param modelRefreshSeconds = 60
param logRetentionDays = 30
param logDailyQuotaGb = 1
