export { CertificateError, type CertificateCode } from './errors.js';
export { CertificateManager, CERTIFICATES_PATH, encryptionKey, type RefreshEvent } from './manager.js';
export { loadPkcs12, type Pkcs12Contents } from './pkcs12.js';
export { FileCertificateStore, MemoryCertificateStore, type CertificateStore, type StoreLease, type StoredCertificate, type StoredCertificates } from './store.js';
export { checkCertificate, openCertificateList, sameSerial, validity } from './validate.js';
export { beijingTime, sealCertificate, sealCertificateList, type CertificateEntry, type CertificateList, type EncryptedCertificate } from './wire.js';
