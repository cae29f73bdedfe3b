// The Linkup package version, for the places that cannot read package.json at run time (the
// worker bundle) and for /linkup/check. A test keeps it equal to package.json's version.
export const LINKUP_VERSION = "0.1.0";
