// The I/O conventions of inpainting models users bring themselves, as published by their exporters.
// A preset says what the model's inputs and output must look like (checked at import against the
// shapes the file declares) and how pixels are encoded for it (used when it runs).
//
// lama-512 — LaMa (Suvorov et al., WACV 2022), big-lama as exported to ONNX by Carve:
//   huggingface.co/Carve/LaMa-ONNX, `lama_fp32.onnx` (208 MB, opset 17). Found: two float32 inputs
//   `image` [1|batch,3,512,512] (RGB in 0..1) and `mask` [1|batch,1,512,512] (1 = fill, 0 = keep;
//   projects using it binarise at 0.5); the graph is fixed at 512×512 (a project's bug report shows
//   onnxruntime declaring ['batch',3,512,512], so a symbolic batch is accepted). Output range: the
//   sources disagree — a desktop app using this file documents "returns the filled image in
//   0..255", a Rust project treats it as 0..1, and a ComfyUI node divides by 255 only "if max >
//   1.5" — so the preset reads it as 'auto': the model returns the known pixels as it got them,
//   and whichever of 0..1 or 0..255 reproduces them is the one used. IOPaint's own LaMa
//   (iopaint/model/lama.py, a TorchScript big-lama) takes the same image/mask in 0..1 and
//   returns 0..1.
// migan-512 — MI-GAN (Sargsyan et al., ICCV 2023), the ONNX "pipeline" of
//   Picsart-AI-Research/MI-GAN scripts/create_onnx_pipeline.py (`migan_pipeline_v2.onnx` on
//   Hugging Face, used by inpaint-web and IOPaint): inputs `image` uint8 [batch,3,height,width]
//   (RGB 0..255) and `mask` uint8 [batch,1,height,width] with 255 = KEEP and 0 = fill (its
//   read_mask keeps only 255 as known; inpaint-web feeds (painted ? 0 : 255)); output `result`
//   uint8 [batch,3,height,width], the whole image composited (known pixels as given). Inside, the
//   pipeline resizes to its 512×512 resolution bilinearly regardless of aspect, so Renovo feeds it
//   square 512×512 crops (IOPaint's MIGAN likewise pads to a 512 square, min_size = pad_mod = 512).
// custom — anything else with an image input (3 channels), a mask input (1 channel) and an image
//   output: fixed or dynamic size, channel order, value ranges and mask polarity as the user says.

export const INPAINTER_PRESETS = ['lama-512', 'migan-512', 'custom'] as const;
export type InpainterPreset = (typeof INPAINTER_PRESETS)[number];

export const VALUE_RANGES = ['0-1', '0-255', '-1-1'] as const;
export type ValueRange = (typeof VALUE_RANGES)[number];
export const OUTPUT_RANGES = [...VALUE_RANGES, 'auto'] as const;
/** 'auto': 0..1 or 0..255, whichever reproduces the known pixels the model returns. */
export type OutputRange = (typeof OUTPUT_RANGES)[number];
export const MASK_RANGES = ['0-1', '0-255'] as const;
export type MaskRange = (typeof MASK_RANGES)[number];
/** hole-high: the hole is the range's top value (1 or 255), known pixels 0; hole-low: the reverse. */
export const MASK_POLARITIES = ['hole-high', 'hole-low'] as const;
export type MaskPolarity = (typeof MASK_POLARITIES)[number];
export const CHANNEL_ORDERS = ['rgb', 'bgr'] as const;
export type ChannelOrder = (typeof CHANNEL_ORDERS)[number];
export type TensorDtype = 'float32' | 'uint8';

/** How pixels are encoded for the model and read back from it. */
export interface PixelConvention {
  channels: ChannelOrder;
  imageRange: ValueRange;
  maskRange: MaskRange;
  maskPolarity: MaskPolarity;
  outputRange: OutputRange;
}

/** What a custom signature may set; the rest is read from the model file. */
export interface CustomConvention extends Partial<PixelConvention> {
  /** Dynamic-size models: the longest side fed (default 1024); fixed-size models use their own size. */
  maxSide?: number;
  /** Dynamic-size models: each side padded to a multiple of this (default 8). */
  multiple?: number;
}

export interface PresetSpec {
  preset: Exclude<InpainterPreset, 'custom'>;
  label: string;
  dtype: TensorDtype;
  outputDtype: TensorDtype;
  /** Spatial size the file must declare (a number, or a symbolic name); null: any. */
  declaredSide: number | null;
  /** What Renovo feeds: always this square. */
  feedSide: number;
  convention: PixelConvention;
  source: string;
}

export const PRESETS: Readonly<Record<PresetSpec['preset'], PresetSpec>> = {
  'lama-512': {
    preset: 'lama-512', label: 'LaMa 512 (Carve/LaMa-ONNX lama_fp32.onnx)', dtype: 'float32', outputDtype: 'float32', declaredSide: 512, feedSide: 512,
    convention: { channels: 'rgb', imageRange: '0-1', maskRange: '0-1', maskPolarity: 'hole-high', outputRange: 'auto' },
    source: 'huggingface.co/Carve/LaMa-ONNX (lama_fp32.onnx)',
  },
  'migan-512': {
    preset: 'migan-512', label: 'MI-GAN 512 pipeline (migan_pipeline_v2.onnx)', dtype: 'uint8', outputDtype: 'uint8', declaredSide: null, feedSide: 512,
    convention: { channels: 'rgb', imageRange: '0-255', maskRange: '0-255', maskPolarity: 'hole-low', outputRange: '0-255' },
    source: 'github.com/Picsart-AI-Research/MI-GAN scripts/create_onnx_pipeline.py',
  },
};

export const CUSTOM_DEFAULTS: PixelConvention & { maxSide: number; multiple: number } = {
  channels: 'rgb', imageRange: '0-1', maskRange: '0-1', maskPolarity: 'hole-high', outputRange: 'auto', maxSide: 1024, multiple: 8,
};
