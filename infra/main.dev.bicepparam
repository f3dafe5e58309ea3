using './main.bicep'

// dev: small and cheap; events (scores, archive) expire after 30 days, rollups are kept
param environmentName = 'dev'
param instanceMemoryMB = 2048
param maximumInstanceCount = 10
param duplicateDetectionWindow = 'PT10M'
param maxDeliveryCount = 10
param lockDuration = 'PT1M'
param dataRetentionDays = 30
param dataTtlSeconds = -1
param deadLetterTtlSeconds = 604800
param modelRefreshSeconds = 60
param backupRetentionDays = 30
param logRetentionDays = 30
param logDailyQuotaGb = 1
