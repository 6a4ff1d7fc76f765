import type { ErrorCode } from './errors';

export interface ErrorText {
  vi: string;
  en: string;
  /** What the clerk should do next, when there is something to do. */
  actionVi?: string;
  actionEn?: string;
}

/** Clerk-facing text for every code (a missing entry fails the typecheck). */
export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
  INTERNAL: { vi: 'Lỗi nội bộ của trạm.', en: 'Internal station error.', actionVi: 'Thử lại; nếu vẫn lỗi, báo bộ phận CNTT.', actionEn: 'Try again; if it persists, call IT.' },
  INVALID_REQUEST: { vi: 'Yêu cầu không hợp lệ.', en: 'Invalid request.' },
  UNKNOWN_METHOD: { vi: 'Chức năng không tồn tại.', en: 'Unknown function.' },
  NOT_FOUND: { vi: 'Không tìm thấy dữ liệu.', en: 'Not found.' },
  CONFLICT: { vi: 'Dữ liệu đã thay đổi ở nơi khác.', en: 'The data changed elsewhere.', actionVi: 'Tải lại và thử lại.', actionEn: 'Reload and try again.' },
  UNAUTHORIZED: { vi: 'Chưa xác thực với trạm.', en: 'Not authenticated with the station.' },
  FORBIDDEN: { vi: 'Bạn không có quyền thực hiện thao tác này.', en: 'You are not allowed to do this.' },
  UNSUPPORTED: { vi: 'Thiết bị hoặc chức năng không hỗ trợ thao tác này.', en: 'Not supported by this device or function.' },
  CANCELLED: { vi: 'Đã hủy.', en: 'Cancelled.' },
  DATA_DIR_UNWRITABLE: { vi: 'Không ghi được vào thư mục dữ liệu.', en: 'The data directory is not writable.', actionVi: 'Báo bộ phận CNTT kiểm tra quyền thư mục.', actionEn: 'Ask IT to check the folder permissions.' },
  DATA_DIR_LOCKED: { vi: 'Trạm đang chạy ở một tiến trình khác.', en: 'The station is already running in another process.' },
  DISK_FULL: { vi: 'Ổ đĩa đã đầy.', en: 'The disk is full.', actionVi: 'Giải phóng dung lượng rồi tiếp tục; các trang đã quét vẫn được giữ.', actionEn: 'Free some space, then continue; captured pages are kept.' },
  DB_CORRUPT: { vi: 'Cơ sở dữ liệu bị hỏng hoặc không phải của trạm.', en: 'The database is corrupt or not a station database.', actionVi: 'Báo bộ phận CNTT; không xóa tệp.', actionEn: 'Call IT; do not delete the file.' },
  DB_NEWER_THAN_CODE: { vi: 'Cơ sở dữ liệu thuộc phiên bản mới hơn của phần mềm.', en: 'The database belongs to a newer version of the software.', actionVi: 'Cập nhật phần mềm.', actionEn: 'Update the software.' },
  DB_MIGRATION_FAILED: { vi: 'Nâng cấp cơ sở dữ liệu thất bại; dữ liệu cũ giữ nguyên.', en: 'Database upgrade failed; old data is unchanged.' },
  BLOB_CORRUPT: { vi: 'Tệp lưu trữ bị hỏng (sai mã băm).', en: 'A stored file is corrupt (hash mismatch).' },
  BLOB_MISSING: { vi: 'Thiếu tệp lưu trữ.', en: 'A stored file is missing.' },
  SERVICE_UNREACHABLE: { vi: 'Mất kết nối với dịch vụ trạm; đang kết nối lại…', en: 'Lost the connection to the station service; reconnecting…' },
  BRIDGE_FILE_INVALID: { vi: 'Tệp bridge.json của trạm không hợp lệ (không trỏ tới 127.0.0.1).', en: 'The station\'s bridge.json is not valid (it does not point to 127.0.0.1).', actionVi: 'Dừng dịch vụ trạm, xóa bridge.json trong thư mục dữ liệu rồi khởi động lại.', actionEn: 'Stop the station service, delete bridge.json in the data directory, then start it again.' },
  INVALID_OWNER_ID: { vi: 'Số định danh chủ hồ sơ không hợp lệ.', en: 'Invalid owner identification number.', actionVi: 'Kiểm tra lại 12 số CCCD hoặc mã số tổ chức.', actionEn: 'Check the 12-digit ID or the organisation code.' },
  INVALID_PROCEDURE_CODE: { vi: 'Mã thủ tục hành chính không hợp lệ.', en: 'Invalid procedure code.' },
  UNKNOWN_PROCEDURE: { vi: 'Không có thủ tục này trong danh mục.', en: 'No such procedure in the catalogue.' },
  INVALID_PROFILE: { vi: 'Cấu hình quét không hợp lệ.', en: 'Invalid scan profile.' },
  PROFILE_NOT_COMPLIANT: { vi: 'Cấu hình quét không đạt quy định (màu, ≥ 200 dpi, tỷ lệ 100 %).', en: 'Scan profile breaks the rules (colour, ≥ 200 dpi, 100 % scale).' },
  DEVICE_NOT_FOUND: { vi: 'Không tìm thấy máy quét.', en: 'Scanner not found.', actionVi: 'Kiểm tra cáp và nguồn máy quét.', actionEn: 'Check the scanner cable and power.' },
  DEVICE_BUSY: { vi: 'Máy quét đang bận.', en: 'The scanner is busy.', actionVi: 'Chờ một lát rồi bấm Tiếp tục.', actionEn: 'Wait a moment, then press Continue.' },
  DEVICE_VANISHED: { vi: 'Mất kết nối với máy quét.', en: 'The scanner disconnected.', actionVi: 'Cắm lại máy quét rồi bấm Tiếp tục.', actionEn: 'Reconnect the scanner, then press Continue.' },
  SCANNER_JAMMED: { vi: 'Kẹt giấy trong khay nạp.', en: 'Paper jam in the feeder.', actionVi: 'Gỡ giấy kẹt, đặt lại các trang chưa quét rồi bấm Tiếp tục.', actionEn: 'Clear the jam, reload the unscanned sheets, then press Continue.' },
  SCANNER_FEEDER_EMPTY: { vi: 'Khay nạp giấy trống.', en: 'The document feeder is empty.', actionVi: 'Đặt giấy vào khay rồi bấm Tiếp tục.', actionEn: 'Load paper, then press Continue.' },
  SCANNER_COVER_OPEN: { vi: 'Nắp máy quét đang mở.', en: 'The scanner cover is open.', actionVi: 'Đóng nắp rồi bấm Tiếp tục.', actionEn: 'Close the cover, then press Continue.' },
  SCANNER_IO_ERROR: { vi: 'Lỗi truyền dữ liệu với máy quét.', en: 'Scanner I/O error.', actionVi: 'Kiểm tra cáp rồi bấm Tiếp tục.', actionEn: 'Check the cable, then press Continue.' },
  SCANNER_HANG: { vi: 'Máy quét không phản hồi; lượt quét đã được dừng.', en: 'The scanner stopped responding; the scan was stopped.', actionVi: 'Tắt/bật máy quét rồi bấm Tiếp tục.', actionEn: 'Power-cycle the scanner, then press Continue.' },
  SCANNER_ACCESS_DENIED: { vi: 'Không có quyền truy cập máy quét.', en: 'Access to the scanner was denied.', actionVi: 'Báo bộ phận CNTT.', actionEn: 'Call IT.' },
  SCANNER_NO_MEMORY: { vi: 'Máy quét hết bộ nhớ.', en: 'The scanner ran out of memory.', actionVi: 'Giảm độ phân giải hoặc tắt/bật máy quét.', actionEn: 'Lower the resolution or power-cycle the scanner.' },
  SCANNER_FAILED: { vi: 'Máy quét báo lỗi.', en: 'The scanner reported an error.', actionVi: 'Bấm Tiếp tục để thử lại.', actionEn: 'Press Continue to try again.' },
  SCAN_IN_PROGRESS: { vi: 'Đang có một lượt quét khác.', en: 'Another scan is in progress.' },
  SCAN_JOB_NOT_FOUND: { vi: 'Không tìm thấy lượt quét.', en: 'Scan job not found.' },
  SCAN_NOT_CONTINUABLE: { vi: 'Lượt quét này không thể tiếp tục.', en: 'This scan cannot be continued.' },
  IMAGE_CORRUPT: { vi: 'Tệp ảnh bị hỏng hoặc không đọc được.', en: 'The image is corrupt or unreadable.' },
  IMAGE_UNSUPPORTED: { vi: 'Định dạng ảnh không được hỗ trợ.', en: 'Unsupported image format.' },
  IMAGE_TOO_LARGE: { vi: 'Ảnh quá lớn.', en: 'The image is too large.' },
  PAGE_TOO_DARK: {
    vi: 'Trang quét quá tối, độ tương phản thấp: nền giấy ra màu xám đậm, chữ khó đọc.',
    en: 'The page was scanned too dark, with low contrast: the paper came out dark gray and the text is hard to read.',
    actionVi: 'Quét lại trang này sáng hơn (tăng độ sáng, hoặc kiểm tra nắp máy quét đã đóng).',
    actionEn: 'Rescan this page lighter (raise the brightness, or check that the scanner lid is closed).',
  },
  FILE_EMPTY: { vi: 'Tệp rỗng.', en: 'The file is empty.' },
  FILE_NAME_INVALID: { vi: 'Tên tệp không hợp lệ.', en: 'Invalid file name.' },
  FILE_TOO_LARGE: { vi: 'Tệp quá lớn.', en: 'The file is too large.', actionVi: 'Chia tệp thành nhiều phần nhỏ hơn hoặc quét lại bản giấy.', actionEn: 'Split the file or scan the paper instead.' },
  PDF_ENCRYPTED: { vi: 'Tệp PDF được mã hóa.', en: 'The PDF is encrypted.', actionVi: 'Đề nghị công dân cung cấp bản không đặt mật khẩu.', actionEn: 'Ask for a copy without a password.' },
  PDF_JAVASCRIPT: { vi: 'Tệp PDF chứa mã JavaScript.', en: 'The PDF contains JavaScript.' },
  PDF_CORRUPT: { vi: 'Tệp PDF bị hỏng.', en: 'The PDF is corrupt.' },
  PDF_EMBEDDED_FILES: { vi: 'Tệp PDF chứa tệp đính kèm.', en: 'The PDF contains embedded files.' },
  PDF_TOO_MANY_PAGES: { vi: 'Tệp PDF có quá nhiều trang.', en: 'The PDF has too many pages.' },
  PDF_NORMALISE_FAILED: { vi: 'Không chuyển được tệp PDF sang PDF/A.', en: 'Could not normalise the PDF to PDF/A.' },
  PDFA_INVALID: { vi: 'Tệp không đạt chuẩn PDF/A.', en: 'The file is not valid PDF/A.' },
  TOOL_MISSING: { vi: 'Thiếu công cụ hệ thống cần thiết.', en: 'A required system tool is missing.', actionVi: 'Chạy "sohoa doctor" và báo bộ phận CNTT.', actionEn: 'Run "sohoa doctor" and call IT.' },
  PIN_INCORRECT: { vi: 'Mã PIN không đúng.', en: 'Incorrect PIN.', actionVi: 'Nhập lại cẩn thận: token sẽ bị khóa sau vài lần sai.', actionEn: 'Re-enter carefully: the token locks after a few wrong tries.' },
  PIN_LOCKED: { vi: 'Token đã bị khóa PIN.', en: 'The token PIN is locked.', actionVi: 'Liên hệ nhà cung cấp chứng thư số để mở khóa.', actionEn: 'Contact the certificate provider to unlock it.' },
  TOKEN_NOT_FOUND: { vi: 'Không tìm thấy USB token.', en: 'USB token not found.', actionVi: 'Cắm token rồi thử lại.', actionEn: 'Insert the token and try again.' },
  KEY_NOT_FOUND: { vi: 'Không tìm thấy khóa ký.', en: 'Signing key not found.' },
  CERT_EXPIRED: { vi: 'Chứng thư số đã hết hạn.', en: 'The certificate has expired.' },
  CERT_NOT_YET_VALID: { vi: 'Chứng thư số chưa có hiệu lực.', en: 'The certificate is not yet valid.' },
  CERT_KEY_USAGE: { vi: 'Chứng thư số không dùng để ký.', en: 'The certificate is not for signing.' },
  CERT_KEY_MISMATCH: { vi: 'Chứng thư số không khớp với khóa.', en: 'The certificate does not match the key.' },
  CERT_UNTRUSTED: { vi: 'Chứng thư số không thuộc danh sách tin cậy.', en: 'The certificate is not trusted.' },
  CERT_REVOKED: { vi: 'Chứng thư số đã bị thu hồi.', en: 'The certificate has been revoked.' },
  P12_PASSWORD_INCORRECT: { vi: 'Mật khẩu tệp chứng thư không đúng.', en: 'Incorrect certificate file password.' },
  P12_UNSUPPORTED: { vi: 'Tệp chứng thư không được hỗ trợ.', en: 'Unsupported certificate file.' },
  TSA_UNREACHABLE: { vi: 'Không kết nối được máy chủ dấu thời gian.', en: 'The timestamp server is unreachable.' },
  SIGNATURE_INVALID: { vi: 'Chữ ký số không hợp lệ.', en: 'The signature is invalid.' },
  OFFLINE: { vi: 'Mất kết nối mạng; dữ liệu được giữ lại và sẽ gửi sau.', en: 'Offline; data is kept and will be sent later.' },
  SERVER_ERROR: { vi: 'Máy chủ một cửa báo lỗi; sẽ thử lại.', en: 'The one-stop server failed; will retry.' },
  SERVER_REPLY_MALFORMED: { vi: 'Máy chủ trả lời không hợp lệ; sẽ thử lại.', en: 'Malformed server reply; will retry.' },
  SERVER_REJECTED: { vi: 'Máy chủ từ chối hồ sơ.', en: 'The server rejected the dossier.' },
  SERVER_RATE_LIMITED: { vi: 'Máy chủ đang quá tải; sẽ thử lại.', en: 'The server is rate limiting; will retry.' },
  SERVER_AUTH_FAILED: { vi: 'Xác thực với máy chủ thất bại.', en: 'Authentication with the server failed.' },
  TLS_UNTRUSTED: { vi: 'Chứng chỉ TLS của máy chủ không tin cậy.', en: 'The server TLS certificate is not trusted.' },
  NOT_ENROLLED: { vi: 'Trạm chưa đăng ký với máy chủ.', en: 'The station is not enrolled with the server.' },
  HASH_MISMATCH: { vi: 'Sai mã băm khi truyền tệp.', en: 'Hash mismatch in transfer.' },
  DOSSIER_INCOMPLETE: { vi: 'Hồ sơ còn thiếu thành phần bắt buộc chưa số hóa hoặc chưa ký số.', en: 'Required components are not yet digitised or signed.' },
  DOSSIER_NOT_EDITABLE: { vi: 'Hồ sơ đã gửi, không sửa được thông tin này.', en: 'The dossier was sent; this cannot be changed any more.' },
};

export function errorText(code: ErrorCode, lang: 'vi' | 'en' = 'vi'): { message: string; action?: string } {
  const t = ERROR_TEXT[code];
  const action = lang === 'vi' ? t.actionVi : t.actionEn;
  return action === undefined ? { message: t[lang] } : { message: t[lang], action };
}
