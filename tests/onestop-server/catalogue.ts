// The reference server's procedure catalogue, in the shape of DVCQG LayThuTuc `result[0]` (spec §1). Test data:
// the codes are those of resources/catalogue/procedures.json; the component codes are the sample ones used there.
export interface ServerProcedure {
  MATTHC: string;
  TENTTHC: string;
  LINHVUCTHUCHIEN: { MALINHVUC: string; TENLINHVUC: string }[];
  COQUANTHUCHIEN: { CAPTHUCHIEN: string }[];
  THANHPHANHOSO: { MAGIAYTO: string; TENGIAYTO: string; SOLUONG: number; BATBUOC: number }[];
  KETQUATHUCHIEN: { MAKETQUA: string; TENKETQUA: string }[];
  TRANGTHAI: string;
}

export const PROCEDURES: readonly ServerProcedure[] = [
  {
    MATTHC: '1.001193',
    TENTTHC: 'Đăng ký khai sinh',
    LINHVUCTHUCHIEN: [{ MALINHVUC: 'HT', TENLINHVUC: 'Hộ tịch' }],
    COQUANTHUCHIEN: [{ CAPTHUCHIEN: 'Cấp Xã' }],
    THANHPHANHOSO: [
      { MAGIAYTO: 'KS-TK', TENGIAYTO: 'Tờ khai đăng ký khai sinh', SOLUONG: 1, BATBUOC: 1 },
      { MAGIAYTO: 'KS-GCS', TENGIAYTO: 'Giấy chứng sinh hoặc giấy tờ thay thế', SOLUONG: 1, BATBUOC: 1 },
      { MAGIAYTO: 'KS-UQ', TENGIAYTO: 'Văn bản ủy quyền (nếu có)', SOLUONG: 1, BATBUOC: 0 },
    ],
    KETQUATHUCHIEN: [{ MAKETQUA: 'KS-KQ', TENKETQUA: 'Giấy khai sinh (bản chính)' }],
    TRANGTHAI: '1',
  },
  {
    MATTHC: '1.004873',
    TENTTHC: 'Cấp Giấy xác nhận tình trạng hôn nhân',
    LINHVUCTHUCHIEN: [{ MALINHVUC: 'HT', TENLINHVUC: 'Hộ tịch' }],
    COQUANTHUCHIEN: [{ CAPTHUCHIEN: 'Cấp Xã' }],
    THANHPHANHOSO: [{ MAGIAYTO: 'XNHN-TK', TENGIAYTO: 'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân', SOLUONG: 1, BATBUOC: 1 }],
    KETQUATHUCHIEN: [{ MAKETQUA: 'XNHN-KQ', TENKETQUA: 'Giấy xác nhận tình trạng hôn nhân' }],
    TRANGTHAI: '1',
  },
  {
    MATTHC: '2.002000',
    TENTTHC: 'Thủ tục cấp huyện (đã bãi bỏ cấp huyện 2025)',
    LINHVUCTHUCHIEN: [{ MALINHVUC: 'XX', TENLINHVUC: 'Khác' }],
    COQUANTHUCHIEN: [{ CAPTHUCHIEN: 'Cấp Huyện' }],
    THANHPHANHOSO: [{ MAGIAYTO: 'H-TK', TENGIAYTO: 'Tờ khai', SOLUONG: 1, BATBUOC: 1 }],
    KETQUATHUCHIEN: [],
    TRANGTHAI: '1',
  },
];
