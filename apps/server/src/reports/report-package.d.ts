// The report package declares the untyped `fontkit` module in its own src/fontkit.d.ts, which only its
// own tsconfig sees; consumers type-checking its source need it too. Remove once report/src/fonts.ts
// references that file itself.
/// <reference path="../../../../packages/report/src/fontkit.d.ts" />
