export { inkShare, layoutLines, pdfInfo, pdfPages, pdfText, rasterisePage, readingOrderLines, type Raster, type TextRun } from './pdf.ts';
