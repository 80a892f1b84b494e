export { RedisCertificateStore, RedisConnection, RedisNonceStore, redisStores, type RedisCommands, type RedisStoreOptions } from './redis.js';
