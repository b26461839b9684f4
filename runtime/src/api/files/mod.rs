//! Files: downloads (`GET /api/files/{collection}/{recordId}/{filename}`) and protected-file
//! tokens (`POST /api/files/token`). See `../shared/spec/files-batch-settings-misc.md` §1.

pub mod download;
pub mod token;
